import { deadLetterDepth } from "@/jobs/dead-letters";
import { getBoss } from "@/jobs/boss";
import { getDb } from "@/server/db/client";
import { json } from "@/server/http/api-response";
import { checkHealth } from "@/server/health/check-health";
import { methodsOtherThan } from "@/server/http/method-not-allowed";
import { refusedWebhooks } from "@/server/payments/refused-webhooks";

export const dynamic = "force-dynamic";
export const { POST, PUT, PATCH, DELETE } = methodsOtherThan("GET");

/**
 * GET /api/health — 200 `ok` when the database answers and a worker is alive, 200 `degraded`
 * when dead letters wait for a redrive, else 503 naming what fails. `webhooks_refused`:
 * deliveries this web process refused for their signature since it started.
 */
export async function GET(): Promise<Response> {
  const health = await checkHealth(getDb(), async () => deadLetterDepth(await getBoss()));
  return json(health.ok ? 200 : 503, { ...health.body, webhooks_refused: refusedWebhooks().count });
}
