import { deadLetterDepth } from "@/jobs/dead-letters";
import { getBoss } from "@/jobs/boss";
import { getDb } from "@/server/db/client";
import { json } from "@/server/http/api-response";
import { checkHealth, publicHealth } from "@/server/health/check-health";
import { mayReadHealthDetails } from "@/server/health/may-read-health-details";
import { methodsOtherThan } from "@/server/http/method-not-allowed";

export const dynamic = "force-dynamic";
export const { POST, PUT, PATCH, DELETE } = methodsOtherThan("GET");

/**
 * GET /api/health — 200 when the database answers and a worker is alive, else 503 naming
 * what fails (docs/api.md). Public callers get those three parts; admins and the
 * HEALTH_TOKEN holder also get `degraded` and the dead letters per step.
 */
export async function GET(request: Request): Promise<Response> {
  const health = await checkHealth(getDb(), async () => deadLetterDepth(await getBoss()));
  const body = (await mayReadHealthDetails(request.headers)) ? health.body : publicHealth(health);
  return json(health.ok ? 200 : 503, body);
}
