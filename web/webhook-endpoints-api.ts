import "server-only";
import type { z } from "zod";
import { createWebhookEndpointInputSchema, updateWebhookEndpointInputSchema } from "@/lib/contract";
import type { Shopper } from "@/server/db/schema";
import { badRequest } from "@/server/errors";
import { json } from "@/server/http/api-response";
import { authenticateRequest } from "@/server/http/authenticate-request";
import { readJsonBody } from "@/server/http/read-json-body";
import type { ProcessServices } from "@/server/process-services";
import { createWebhookEndpoint } from "@/server/webhooks/create-webhook-endpoint";
import { deleteWebhookEndpoint } from "@/server/webhooks/delete-webhook-endpoint";
import { assertAccount } from "@/server/webhooks/find-owned-endpoint";
import { getWebhookEndpoint } from "@/server/webhooks/get-webhook-endpoint";
import { listWebhookDeliveries } from "@/server/webhooks/list-webhook-deliveries";
import { listWebhookEndpoints } from "@/server/webhooks/list-webhook-endpoints";
import { retryWebhookDelivery } from "@/server/webhooks/retry-webhook-delivery";
import { rotateWebhookSecret } from "@/server/webhooks/rotate-webhook-secret";
import { updateWebhookEndpoint } from "@/server/webhooks/update-webhook-endpoint";

/** Endpoint bodies are a URL, a description and two type names: far below the API's 64 KiB. */
const MAX_ENDPOINT_BODY_BYTES = 16 * 1024;

/** The caller, who must be an account (API key or signed-in session); a guest is a 403. */
async function account(services: ProcessServices, request: Request): Promise<Shopper> {
  const shopper = await authenticateRequest(services, request);
  assertAccount(shopper);
  return shopper;
}

async function body<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  const parsed = schema.safeParse(await readJsonBody(request, MAX_ENDPOINT_BODY_BYTES));
  if (!parsed.success) throw badRequest("The webhook endpoint is not valid.", parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  return parsed.data;
}

const targetPolicy = (services: ProcessServices) => ({ allowPrivate: services.config.WEBHOOK_ALLOW_PRIVATE_TARGETS });

/** POST /api/webhook-endpoints → 201 with the secret (shown this once). */
export async function serveCreateWebhookEndpoint(services: ProcessServices, request: Request): Promise<Response> {
  const shopper = await account(services, request);
  const created = await createWebhookEndpoint(services.db, shopper.id, await body(request, createWebhookEndpointInputSchema), targetPolicy(services));
  return json(201, created, { Location: `/api/webhook-endpoints/${created.id}` });
}

/** GET /api/webhook-endpoints. */
export async function serveListWebhookEndpoints(services: ProcessServices, request: Request): Promise<Response> {
  const shopper = await account(services, request);
  return json(200, await listWebhookEndpoints(services.db, shopper.id));
}

/** GET /api/webhook-endpoints/{id}. */
export async function serveGetWebhookEndpoint(services: ProcessServices, request: Request, endpointId: string): Promise<Response> {
  const shopper = await account(services, request);
  return json(200, await getWebhookEndpoint(services.db, shopper.id, endpointId));
}

/** PATCH /api/webhook-endpoints/{id}. */
export async function serveUpdateWebhookEndpoint(services: ProcessServices, request: Request, endpointId: string): Promise<Response> {
  const shopper = await account(services, request);
  const input = await body(request, updateWebhookEndpointInputSchema);
  return json(200, await updateWebhookEndpoint(services.db, shopper.id, endpointId, input, targetPolicy(services)));
}

/** DELETE /api/webhook-endpoints/{id} → 204. */
export async function serveDeleteWebhookEndpoint(services: ProcessServices, request: Request, endpointId: string): Promise<Response> {
  const shopper = await account(services, request);
  await deleteWebhookEndpoint(services.db, shopper.id, endpointId);
  return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
}

/** POST /api/webhook-endpoints/{id}/rotate-secret → 200 `{ secret }`. */
export async function serveRotateWebhookSecret(services: ProcessServices, request: Request, endpointId: string): Promise<Response> {
  const shopper = await account(services, request);
  return json(200, await rotateWebhookSecret(services.db, shopper.id, endpointId));
}

/** GET /api/webhook-endpoints/{id}/deliveries — newest first, cursor-paginated. */
export async function serveListWebhookDeliveries(services: ProcessServices, request: Request, endpointId: string): Promise<Response> {
  const shopper = await account(services, request);
  const params = new URL(request.url).searchParams;
  const limitText = params.get("limit");
  const limit = limitText === null ? undefined : Number(limitText);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 100)) throw badRequest("limit must be a whole number from 1 to 100.");
  return json(200, await listWebhookDeliveries(services.db, shopper.id, endpointId, { cursor: params.get("cursor"), limit }));
}

/** POST /api/webhook-endpoints/{id}/deliveries/{message_id}/retry → 202; `param` is "{id}/deliveries/{message_id}". */
export async function serveRetryWebhookDelivery(services: ProcessServices, request: Request, param: string): Promise<Response> {
  const shopper = await account(services, request);
  const [endpointId = "", messageId = ""] = param.split("/deliveries/");
  return json(202, await retryWebhookDelivery(services.db, shopper.id, endpointId, messageId));
}
