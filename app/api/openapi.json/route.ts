import { methodsOtherThan } from "@/server/http/method-not-allowed";
import { buildOpenApiDocument } from "@/server/openapi/document";

export const { POST, PUT, PATCH, DELETE } = methodsOtherThan("GET");

/** GET /api/openapi.json — the OpenAPI 3.1 description of the REST API (server/openapi/document.ts). */
export function GET(): Response {
  return Response.json(buildOpenApiDocument(), { headers: { "Cache-Control": "public, max-age=300" } });
}
