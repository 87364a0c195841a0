import { deadLetterDepth } from "@/jobs/dead-letters";
import { getBoss } from "@/jobs/boss";
import { getDb } from "@/server/db/client";
import { json } from "@/server/http/api-response";
import { checkHealth, publicHealth } from "@/server/health/check-health";
import { mayReadHealthDetails } from "@/server/health/may-read-health-details";
import { methodsOtherThan } from "@/server/http/method-not-allowed";
import { refusedWebhooks } from "@/server/payments/refused-webhooks";

export const dynamic = "force-dynamic";
export const { POST, PUT, PATCH, DELETE } = methodsOtherThan("GET");

/**
 * GET /api/health — 200 when the database answers and a worker is alive, else 503 naming
 * what fails (docs/api.md). Public callers get those three parts; admins and the
 * HEALTH_TOKEN holder also get `degraded`, the dead letters per step and `webhooks_refused`
 * (deliveries this web process refused for their signature since it started).
 */
export async function GET(request: Request): Promise<Response> {
  const health = await checkHealth(getDb(), async () => deadLetterDepth(await getBoss()));
  const details = await mayReadHealthDetails(request.headers);
  const body = details ? { ...health.body, webhooks_refused: refusedWebhooks().count } : publicHealth(health);
  return json(health.ok ? 200 : 503, body);
}
