import "server-only";
import { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiResponsesObject } from "zod-openapi";
import {
  batchCompletedDeliverySchema,
  createWebhookEndpointInputSchema,
  orderStatusChangedDeliverySchema,
  updateWebhookEndpointInputSchema,
  webhookDeliveryListSchema,
  webhookDeliverySchema,
  webhookEndpointCreatedSchema,
  webhookEndpointListSchema,
  webhookEndpointSchema,
  webhookSecretSchema,
  errorBodySchema,
  eventViewSchema,
  healthSchema,
  orderAcceptedSchema,
  orderListSchema,
  orderViewSchema,
  paymentWebhookSchema,
  placeOrderInputSchema,
} from "@/lib/contract";
import { BATCH_TAG, batchPaths } from "./batch-paths";

/**
 * The OpenAPI 3.1 description of the REST API, generated from the zod schemas the routes
 * validate their input with and build their answers by (lib/contract.ts), so it cannot drift
 * from them; e2e/api/openapi.spec.ts validates real answers against it. Served at
 * GET /api/openapi.json and rendered at /docs/api (docs/decisions/027-openapi-from-zod.md).
 */

const ERROR_MEANINGS: Record<number, string> = {
  400: "Malformed JSON or a schema violation; `details` names the fields.",
  401: "No or bad credentials.",
  403: "Acting for another shopper.",
  404: "No such order, or it belongs to someone else (existence is never revealed).",
  409: "Conflict: an idempotency key still in progress, or an order that can no longer be cancelled.",
  413: "Body over 64 KiB.",
  415: "Body not JSON.",
  422: "Unknown SKU, not enough of something, or an idempotency key reused with another body.",
  429: "Rate limited; `Retry-After` says when to retry.",
  503: "The database is unavailable; nothing was written.",
};

const retryAfter = z.string().meta({ description: "Seconds until a retry is worth it." });

/** What an error status means on the webhook-endpoint routes, where it differs from the order routes'. */
const WEBHOOK_ENDPOINT_ERROR_MEANINGS: Record<number, string> = {
  ...ERROR_MEANINGS,
  400: "A schema violation, or a URL refused as a target (in production: not https, or resolving to a private address); `details` says which.",
  403: "A guest session: webhook endpoints belong to accounts.",
  404: "No such endpoint (or delivery), or it belongs to someone else (existence is never revealed).",
  409: "`too_many_endpoints` (20 per account), `endpoint_disabled` (enable it before retrying), or `delivery_in_progress`.",
  413: "Body over 16 KiB.",
};
// Decision 034: the request's span, `<trace id>-<span id>`, also `error.request_id`.
const requestId = z.string().optional().meta({ description: "The request's trace and span ids: the request in its trace.", example: "0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331" });

function errors(...statuses: number[]): ZodOpenApiResponsesObject {
  return errorResponses(ERROR_MEANINGS, statuses);
}

function endpointErrors(...statuses: number[]): ZodOpenApiResponsesObject {
  return errorResponses(WEBHOOK_ENDPOINT_ERROR_MEANINGS, statuses);
}

function errorResponses(meanings: Record<number, string>, statuses: number[]): ZodOpenApiResponsesObject {
  return Object.fromEntries(
    statuses.map((status) => [
      String(status),
      {
        description: meanings[status]!,
        content: { "application/json": { schema: errorBodySchema } },
        headers: z.object({
          "X-Request-Id": requestId,
          ...(status === 429 || status === 503 ? { "Retry-After": retryAfter } : {}),
        }),
      },
    ]),
  );
}

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });

/** The provider's call to us: a path (someone else's request to this API) and, as issue 13 asks, listed among the `webhooks` too. */
const paymentWebhookOperation = {
  tags: ["Payment provider"],
  operationId: "receivePaymentEvent",
  summary: "A payment verdict from the provider",
  description:
    "Signed with HMAC-SHA256 over `{id}.{timestamp}.{body}` (`X-Webhook-Id`, `X-Webhook-Timestamp`, `X-Webhook-Signature: sha256=<hex>`, or the Standard Webhooks headers `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`). A duplicate id changes nothing and answers 200.",
  security: [],
  requestParams: {
    header: z.object({
      "X-Webhook-Id": z.string().optional(),
      "X-Webhook-Timestamp": z.string().optional().meta({ description: "Unix seconds, within 300 s of now." }),
      "X-Webhook-Signature": z.string().optional(),
    }),
  },
  requestBody: { required: true, ...json(paymentWebhookSchema) },
  responses: {
    "200": { description: "Processed, or already processed.", ...json(z.object({ received: z.literal(true), duplicate: z.boolean() })) },
    ...errors(400, 401, 404, 429),
  },
} satisfies ZodOpenApiOperationObject;

const orderIdPath = z.object({ id: z.string().meta({ description: "The order id (`ord_…`).", example: "ord_x7k9m2q4" }) });

const location = z.string().meta({ description: "The order's status URL.", example: "/api/orders/ord_x7k9m2q4" });

const eventStream = {
  description:
    "Server-Sent Events: `event: status_update` with `id: evt_…` and `data` `{ order_id, status, timestamp, tracking? }`; the current state first, then every change; a comment heartbeat at least every 15 s; closes after a final status.",
  content: { "text/event-stream": { schema: z.string() } },
};

const endpointIdPath = z.object({ id: z.string().meta({ description: "The endpoint id (`we_…`).", example: "we_3kq9x2m1p0c7b5n4z8y6" }) });
const deliveryPath = endpointIdPath.extend({ message_id: z.string().meta({ description: "The message id (`msg_…`), the `webhook-id` of its deliveries.", example: "msg_8d2k4m6p0q1r3s5t7v9x" }) });

const STANDARD_WEBHOOK_HEADERS = z.object({
  "webhook-id": z.string().meta({ description: "The body's `id` (`msg_…`): the same on every retry; dedupe on it." }),
  "webhook-timestamp": z.string().meta({ description: "Unix seconds of this attempt." }),
  "webhook-signature": z.string().meta({
    description: "`v1,<base64 HMAC-SHA256 of \"{webhook-id}.{webhook-timestamp}.{body}\">` keyed with the base64-decoded bytes after `whsec_`; two space-separated signatures for 24 h after a rotation.",
  }),
  traceparent: z.string().meta({ description: "W3C trace context of the order's trace." }),
});

function outboundDelivery(operationId: string, summary: string, schema: z.ZodType) {
  return {
    post: {
      tags: ["Outbound webhooks"],
      operationId,
      summary,
      description:
        "Conveyor POSTs this to each enabled endpoint of the owner subscribed to the type. A 2xx within 15 s is delivered; anything else is retried after about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h (with jitter; `Retry-After` on 429/503 honoured), then failed. 410 disables the endpoint. Messages may arrive twice or out of order.",
      security: [],
      requestParams: { header: STANDARD_WEBHOOK_HEADERS },
      requestBody: { required: true, ...json(schema) },
      responses: {
        "200": { description: "Any 2xx: delivered." },
        "410": { description: "The endpoint is gone: Conveyor disables it." },
      },
    },
  };
}

const statusUpdateSchema = z
  .object({ order_id: z.string(), status: eventViewSchema.shape.status, timestamp: z.string(), tracking: z.string().optional() })
  .meta({ id: "StatusUpdate", description: "The `data` of one `status_update` event." });

export function buildOpenApiDocument(serverUrl?: string) {
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "Conveyor API",
      version: "1.0.0",
      description:
        "Order intake is synchronous (validate, price, store, enqueue: 202 Accepted); payment, stock, invoice, emails and shipping run in the background. Follow an order by polling `GET /api/orders/{id}` or over Server-Sent Events. Money is a number in major units with `currency`; ids are prefixed and random.",
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    tags: [
      { name: "Orders", description: "Place, read, list and cancel orders." },
      { name: "Live status", description: "Server-Sent Events of order status." },
      BATCH_TAG,
      { name: "Payment provider", description: "Called by the payment provider, not by API clients." },
      { name: "Webhook endpoints", description: "Where Conveyor calls an API client back, and the log of those calls." },
      { name: "Outbound webhooks", description: "What Conveyor POSTs to the endpoints, signed the Standard Webhooks way." },
      { name: "Operations" },
    ],
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "An API key: `npm run api-key -- create --email <email>`." },
        sessionCookie: { type: "apiKey", in: "cookie", name: "better-auth.session_token", description: "The browser session of the storefront." },
      },
      schemas: { StatusUpdate: statusUpdateSchema },
    },
    paths: {
      "/api/orders": {
        post: {
          tags: ["Orders"],
          operationId: "placeOrder",
          summary: "Place an order",
          description:
            "Stores the order and its first job in one transaction and answers 202 at once; with `Prefer: wait=N` waits up to N seconds for the order to leave the in-flight statuses and answers 201 with the order, else the same 202.",
          requestParams: {
            header: z.object({
              "Idempotency-Key": z.string().min(1).max(255).optional().meta({ description: "Same key and body within 24 h replays the first answer." }),
              Prefer: z.string().optional().meta({ description: "`wait=N`, N ≤ 30 seconds (RFC 7240).", example: "wait=10" }),
              traceparent: z
                .string()
                .optional()
                .meta({ description: "W3C trace context: the order's trace becomes a child of this span.", example: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" }),
            }),
          },
          requestBody: { required: true, ...json(placeOrderInputSchema) },
          responses: {
            "201": {
              description: "The order settled within the wait.",
              ...json(orderViewSchema),
              headers: z.object({ Location: location, "Preference-Applied": z.string().meta({ example: "wait=10" }) }),
            },
            "202": { description: "Accepted; processing continues in the background.", ...json(orderAcceptedSchema), headers: z.object({ Location: location }) },
            ...errors(400, 401, 403, 409, 413, 415, 422, 429, 503),
          },
        },
        get: {
          tags: ["Orders"],
          operationId: "listOrders",
          summary: "List the caller's orders, newest first",
          requestParams: {
            query: z.object({
              cursor: z.string().optional().meta({ description: "`next_cursor` of the previous page." }),
              limit: z.number().int().min(1).max(100).optional().meta({ description: "Page size, default 20." }),
            }),
          },
          responses: { "200": { description: "One page.", ...json(orderListSchema) }, ...errors(400, 401, 429, 503) },
        },
      },
      "/api/orders/{id}": {
        get: {
          tags: ["Orders"],
          operationId: "getOrder",
          summary: "Read one order with its event log",
          requestParams: { path: orderIdPath },
          responses: { "200": { description: "The order.", ...json(orderViewSchema) }, ...errors(401, 404, 429, 503) },
        },
      },
      "/api/orders/{id}/cancel": {
        post: {
          tags: ["Orders"],
          operationId: "cancelOrder",
          summary: "Cancel an order that has not shipped",
          description: "Stock is released and payment voided or refunded, exactly once. Cancelling a cancelled order answers 200 again.",
          requestParams: { path: orderIdPath },
          responses: { "200": { description: "The order, now `cancelled`.", ...json(orderViewSchema) }, ...errors(401, 404, 409, 429, 503) },
        },
      },
      "/api/orders/{id}/events": {
        get: {
          tags: ["Live status"],
          operationId: "streamOrderEvents",
          summary: "Follow one order",
          requestParams: {
            path: orderIdPath,
            header: z.object({ "Last-Event-ID": z.string().optional().meta({ description: "Replays the events after this one." }) }),
          },
          responses: { "200": eventStream, ...errors(401, 404, 429) },
        },
      },
      "/api/orders/events": {
        get: {
          tags: ["Live status"],
          operationId: "streamOrdersEvents",
          summary: "Follow several of the caller's orders on one stream",
          requestParams: { query: z.object({ ids: z.string().meta({ description: "Comma-separated order ids.", example: "ord_a,ord_b" }) }) },
          responses: { "200": eventStream, ...errors(400, 401, 429) },
        },
      },
      "/api/webhook-endpoints": {
        post: {
          tags: ["Webhook endpoints"],
          operationId: "createWebhookEndpoint",
          summary: "Register an endpoint",
          description: "`events` defaults to every type. The answer carries the signing secret, shown here and on rotation only.",
          requestBody: { required: true, ...json(createWebhookEndpointInputSchema) },
          responses: {
            "201": { description: "Registered.", ...json(webhookEndpointCreatedSchema), headers: z.object({ Location: z.string().meta({ example: "/api/webhook-endpoints/we_3kq9x2m1p0c7b5n4z8y6" }) }) },
            ...endpointErrors(400, 401, 403, 409, 413, 415, 429, 503),
          },
        },
        get: {
          tags: ["Webhook endpoints"],
          operationId: "listWebhookEndpoints",
          summary: "List the caller's endpoints",
          responses: { "200": { description: "Every endpoint of the caller (at most 20).", ...json(webhookEndpointListSchema) }, ...endpointErrors(401, 403, 429, 503) },
        },
      },
      "/api/webhook-endpoints/{id}": {
        get: {
          tags: ["Webhook endpoints"],
          operationId: "getWebhookEndpoint",
          summary: "Read one endpoint",
          requestParams: { path: endpointIdPath },
          responses: { "200": { description: "The endpoint (never its secret).", ...json(webhookEndpointSchema) }, ...endpointErrors(401, 403, 404, 429, 503) },
        },
        patch: {
          tags: ["Webhook endpoints"],
          operationId: "updateWebhookEndpoint",
          summary: "Change an endpoint's URL, types, description, or enable / disable it",
          requestParams: { path: endpointIdPath },
          requestBody: { required: true, ...json(updateWebhookEndpointInputSchema) },
          responses: { "200": { description: "The endpoint as changed.", ...json(webhookEndpointSchema) }, ...endpointErrors(400, 401, 403, 404, 413, 415, 429, 503) },
        },
        delete: {
          tags: ["Webhook endpoints"],
          operationId: "deleteWebhookEndpoint",
          summary: "Delete an endpoint with its delivery log",
          requestParams: { path: endpointIdPath },
          responses: { "204": { description: "Deleted." }, ...endpointErrors(401, 403, 404, 429, 503) },
        },
      },
      "/api/webhook-endpoints/{id}/rotate-secret": {
        post: {
          tags: ["Webhook endpoints"],
          operationId: "rotateWebhookSecret",
          summary: "Rotate the signing secret",
          description: "For the next 24 h every delivery carries two signatures, under the old and the new secret.",
          requestParams: { path: endpointIdPath },
          responses: { "200": { description: "The new secret, shown this once.", ...json(webhookSecretSchema) }, ...endpointErrors(401, 403, 404, 429, 503) },
        },
      },
      "/api/webhook-endpoints/{id}/deliveries": {
        get: {
          tags: ["Webhook endpoints"],
          operationId: "listWebhookDeliveries",
          summary: "The endpoint's delivery log, newest first",
          requestParams: {
            path: endpointIdPath,
            query: z.object({
              cursor: z.string().optional().meta({ description: "`next_cursor` of the previous page." }),
              limit: z.number().int().min(1).max(100).optional().meta({ description: "Page size, default 20." }),
            }),
          },
          responses: { "200": { description: "One page of messages, each with every attempt.", ...json(webhookDeliveryListSchema) }, ...endpointErrors(400, 401, 403, 404, 429, 503) },
        },
      },
      "/api/webhook-endpoints/{id}/deliveries/{message_id}/retry": {
        post: {
          tags: ["Webhook endpoints"],
          operationId: "retryWebhookDelivery",
          summary: "Send a message again now",
          description: "Same `webhook-id`, same body. A failed message gets one more attempt; a pending one keeps the rest of its schedule.",
          requestParams: { path: deliveryPath },
          responses: { "202": { description: "Queued to be sent now.", ...json(webhookDeliverySchema) }, ...endpointErrors(401, 403, 404, 409, 429, 503) },
        },
      },
      ...batchPaths,
      "/webhooks/payments": { post: paymentWebhookOperation },
      "/api/health": {
        get: {
          tags: ["Operations"],
          operationId: "health",
          summary: "Liveness of the database and the workers",
          security: [],
          responses: { "200": { description: "Up (`ok`, or `degraded` while dead letters wait).", ...json(healthSchema) }, "503": { description: "The failing part is named.", ...json(healthSchema) } },
        },
      },
    },
    webhooks: {
      "order.status_changed": outboundDelivery("orderStatusChanged", "An order of the endpoint's owner changed status", orderStatusChangedDeliverySchema),
      "batch.completed": outboundDelivery("batchCompleted", "A batch of the endpoint's owner completed", batchCompletedDeliverySchema),
      // Inbound, not sent by Conveyor: the payment provider's verdicts, which arrive at POST /webhooks/payments.
      "payment.event": { post: { ...paymentWebhookOperation, operationId: "paymentEventWebhook", summary: "The payment provider's verdict (received at POST /webhooks/payments)" } },
    },
  });
}
