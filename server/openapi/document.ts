import "server-only";
import { z } from "zod";
import { createDocument, type ZodOpenApiResponsesObject } from "zod-openapi";
import {
  errorBodySchema,
  eventViewSchema,
  healthSchema,
  orderAcceptedSchema,
  orderListSchema,
  orderViewSchema,
  paymentWebhookSchema,
  placeOrderInputSchema,
} from "@/lib/contract";

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

// Decision 034: the request's span, `<trace id>-<span id>`, also `error.request_id`.
const requestId = z.string().optional().meta({ description: "The request's trace and span ids: the request in its trace.", example: "0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331" });

function errors(...statuses: number[]): ZodOpenApiResponsesObject {
  return Object.fromEntries(
    statuses.map((status) => [
      String(status),
      {
        description: ERROR_MEANINGS[status]!,
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

const orderIdPath = z.object({ id: z.string().meta({ description: "The order id (`ord_…`).", example: "ord_x7k9m2q4" }) });

const location = z.string().meta({ description: "The order's status URL.", example: "/api/orders/ord_x7k9m2q4" });

const eventStream = {
  description:
    "Server-Sent Events: `event: status_update` with `id: evt_…` and `data` `{ order_id, status, timestamp, tracking? }`; the current state first, then every change; a comment heartbeat at least every 15 s; closes after a final status.",
  content: { "text/event-stream": { schema: z.string() } },
};

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
      { name: "Payment provider", description: "Called by the payment provider, not by API clients." },
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
      "/webhooks/payments": {
        post: {
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
        },
      },
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
  });
}
