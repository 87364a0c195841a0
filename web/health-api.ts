import "server-only";
import { json } from "@/server/http/api-response";
import { checkHealth, publicHealth } from "@/server/health/check-health";
import { mayReadHealthDetails } from "@/server/health/may-read-health-details";
import { buildOpenApiDocument } from "@/server/openapi/document";
import type { ProcessServices } from "@/server/process-services";

/**
 * GET /api/health — 200 when the database answers and a worker is alive, else 503 naming
 * what fails (docs/api.md). Public callers get those three parts; admins and the
 * HEALTH_TOKEN holder also get `degraded`, the dead letters per step and `webhooks_refused`
 * (deliveries this web process refused for their signature since it started).
 */
export async function serveHealth(services: ProcessServices, request: Request): Promise<Response> {
  const health = await checkHealth(services.db, async () => (await services.jobs()).pipeline.deadLetterCounts());
  const details = await mayReadHealthDetails(services, request.headers);
  const body = details ? { ...health.body, webhooks_refused: services.refusedWebhooks.count } : publicHealth(health);
  return json(health.ok ? 200 : 503, body);
}

/** GET /api/openapi.json — the OpenAPI 3.1 description of the REST API (server/openapi/document.ts). */
export async function serveOpenApi(): Promise<Response> {
  return Response.json(buildOpenApiDocument(), { headers: { "Cache-Control": "public, max-age=300" } });
}
