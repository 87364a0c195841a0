import { getDb } from "@/server/db/client";
import { json } from "@/server/http/api-response";
import { checkHealth } from "@/server/health/check-health";
import { methodsOtherThan } from "@/server/http/method-not-allowed";

export const dynamic = "force-dynamic";
export const { POST, PUT, PATCH, DELETE } = methodsOtherThan("GET");

/** GET /api/health — 200 when the database answers and at least one worker is alive, else 503 naming what fails. */
export async function GET(): Promise<Response> {
  const health = await checkHealth(getDb());
  return json(health.ok ? 200 : 503, health.body);
}
