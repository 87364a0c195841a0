/**
 * Zod schemas of the public contract's request bodies (docs/api.md, "POST /api/orders" and
 * "POST /webhooks/payments").
 * Client-safe, so the storefront can validate with the exact rules the server applies.
 */
import { z } from "zod";
import "./zod-in-the-browser";
import { MAX_LINE_QUANTITY } from "./limits";
import { ORDER_STATUSES, type OrderStatus } from "./order-state";
import { MAX_WEBHOOK_DESCRIPTION_LENGTH, MAX_WEBHOOK_URL_LENGTH, WEBHOOK_ENDPOINT_STATUSES, WEBHOOK_EVENT_TYPES, WEBHOOK_MESSAGE_STATES } from "./webhook-types";

export const MAX_ORDER_LINES = 100;

/** Text that Postgres can store: NUL is the one character a `text` column refuses. */
const text = (max: number) => z.string().max(max).regex(/^[^\u0000]*$/, "must not contain NUL characters");

/** `ord_…` as the server issues them; anything else cannot name an order. */
export const ORDER_ID_PATTERN = /^ord_[a-z0-9]{1,64}$/;
export { MAX_LINE_QUANTITY };

export const skuSchema = z.string().min(1).max(64).regex(/^[A-Z0-9][A-Z0-9-]*$/, "must be an upper-case SKU such as WIDGET-42");

export const paymentMethodSchema = z
  .string()
  .max(64)
  .regex(/^pm_[a-z0-9_]+$/, "must look like pm_visa_4242");

export const orderLineInputSchema = z
  .object({
    sku: skuSchema,
    quantity: z.number().int().min(1).max(MAX_LINE_QUANTITY),
  })
  .strict();

/** Body of POST /api/orders. Unknown fields (total, price, status, …) are rejected: the server alone prices orders. */
export const placeOrderInputSchema = z
  .object({
    items: z.array(orderLineInputSchema).min(1).max(MAX_ORDER_LINES),
    payment_method: paymentMethodSchema,
    user_id: text(64).min(1).optional(),
  })
  .strict();

export type PlaceOrderInput = z.infer<typeof placeOrderInputSchema>;

/** Also a tRPC input field, where (unlike a header) a NUL can arrive and Postgres would refuse it. */
export const idempotencyKeySchema = text(255).min(1);

export const PAYMENT_EVENT_TYPES = ["payment.completed", "payment.failed", "payment.flagged"] as const;
export type PaymentEventType = (typeof PAYMENT_EVENT_TYPES)[number];

/**
 * Body of POST /webhooks/payments: `payment.completed` carries the `amount` and `currency`
 * captured (without them a completion could not be checked against the order, so it is a
 * schema violation, not a payment), `payment.failed` a `reason`, `payment.flagged` a
 * `risk_score` (docs/api.md). Extra fields from a provider are tolerated (forward
 * compatibility).
 */
const webhookBase = {
  order_id: text(64).min(1),
  amount: z.number().nonnegative().optional(),
  currency: text(3).optional(),
  completed_at: text(64).optional(),
  reason: text(200).min(1).optional(),
  risk_score: z.number().min(0).max(1).optional(),
};

/**
 * On `payment.completed` only: the charge is captured but risk scoring flagged it and, as the
 * merchant asked at charge time (manual review on), the provider holds it for the merchant's
 * decision instead of blocking it (docs/api.md, docs/decisions/029-manual-review.md).
 */
const paymentReviewSchema = z.object({ risk_score: z.number().min(0).max(1), reason: text(200).min(1).optional() });

export const paymentWebhookSchema = z.discriminatedUnion("event", [
  z.object({
    ...webhookBase,
    event: z.literal("payment.completed"),
    amount: webhookBase.amount.unwrap(),
    currency: webhookBase.currency.unwrap(),
    review: paymentReviewSchema.optional(),
  }),
  z.object({ ...webhookBase, event: z.literal("payment.failed"), reason: webhookBase.reason.unwrap() }),
  z.object({ ...webhookBase, event: z.literal("payment.flagged"), risk_score: webhookBase.risk_score.unwrap() }),
]);

export type PaymentWebhook = z.infer<typeof paymentWebhookSchema>;

/**
 * The answers of the REST API, as schemas: GET /api/openapi.json is generated from them and
 * from the request schemas above (server/openapi/document.ts), and the API spec validates
 * real answers against that document, so the description cannot drift from the code.
 */
const isoTime = z.string().meta({ format: "date-time", example: "2026-04-13T14:32:07.000Z" });
const orderIdSchema = z.string().meta({ description: "Prefixed, random order id.", example: "ord_x7k9m2q4" });
const money = z.number().meta({ description: "Major units with two decimals.", example: 49.98 });

export const orderStatusSchema = z.enum(ORDER_STATUSES).meta({ id: "OrderStatus", description: "One overall status per order (docs/api.md, Order statuses)." });

export const eventViewSchema = z
  .object({ id: z.string().meta({ example: "evt_5f2k" }), status: orderStatusSchema, timestamp: isoTime })
  .catchall(z.unknown())
  .meta({ id: "OrderEvent", description: "One entry of the order's event log; shipped events carry `tracking`, failures a `reason`." });

export const orderViewSchema = z
  .object({
    order_id: orderIdSchema,
    status: orderStatusSchema,
    items: z.array(z.object({ sku: z.string(), name: z.string(), quantity: z.number().int(), unit_price: money })),
    total: money,
    currency: z.string().meta({ example: "USD" }),
    payment_method: z.string().meta({ example: "pm_visa_4242" }),
    tracking: z.string().optional(),
    failure_reason: z.string().optional(),
    created_at: isoTime,
    updated_at: isoTime,
    events: z.array(eventViewSchema),
    trace_id: z
      .string()
      .regex(/^[0-9a-f]{32}$/)
      .optional()
      .meta({ description: "The W3C trace id of the order's trace (a `traceparent` sent with POST /api/orders names it); absent for orders placed before tracing." }),
  })
  .meta({ id: "Order" });

export const orderAcceptedSchema = z
  .object({ order_id: orderIdSchema, status: z.literal("pending"), status_url: z.string().meta({ example: "/api/orders/ord_x7k9m2q4" }) })
  .meta({ id: "OrderAccepted" });

export const orderListSchema = z
  .object({ data: z.array(orderViewSchema), next_cursor: z.string().nullable() })
  .meta({ id: "OrderList" });

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: "invalid_request" }),
      message: z.string(),
      details: z.unknown().optional(),
      request_id: z.string().optional(),
    }),
  })
  .meta({ id: "Error", description: "Every 4xx/5xx answer of the API." });

export const healthSchema = z
  .object({
    status: z.enum(["ok", "degraded", "unavailable"]),
    database: z.enum(["ok", "unavailable"]),
    workers: z.number().int().meta({ description: "Workers alive." }),
  })
  .catchall(z.unknown())
  .meta({ id: "Health" });

/** The public shape of an order (GET /api/orders/{id}; orderViewSchema above describes it). */
export type OrderView = {
  order_id: string;
  status: OrderStatus;
  items: { sku: string; name: string; quantity: number; unit_price: number }[];
  total: number;
  currency: string;
  payment_method: string;
  tracking?: string;
  failure_reason?: string;
  created_at: string;
  updated_at: string;
  events: EventView[];
  trace_id?: string;
};

export type EventView = { id: string; status: OrderStatus; timestamp: string } & Record<string, unknown>;

// The schemas describe exactly the types the server builds its answers with.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const orderViewMatches: Same<OrderView, z.infer<typeof orderViewSchema>> = true;
void orderViewMatches;

/*
 * Batches (CONTRACT §9, docs/api.md "Batches"): one NDJSON line per order, each the body of
 * POST /api/orders plus an optional `reference` (the client's own id).
 */
export const MAX_BATCH_LINES = 10_000;
export const MAX_BATCH_BYTES = 5 * 1024 * 1024;
export const BATCH_ID_PATTERN = /^bat_[a-z0-9]{1,64}$/;
/** Batches of one shopper still in progress at once; past it a new upload is a 429 (each holds up to 10,000 lines in the one placing queue). */
export const MAX_OPEN_BATCHES_PER_SHOPPER = 10;
export const BATCH_STATUSES = ["in_progress", "completed", "cancelled"] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

export const batchReferenceSchema = text(255);

/** One line of the upload, as documented (the server validates the order part with placeOrderInputSchema itself). */
export const batchLineInputSchema = placeOrderInputSchema
  .extend({ reference: batchReferenceSchema.optional().meta({ description: "Your own id for the line (≤ 255 chars), echoed in the results." }) })
  .meta({ id: "BatchLine", description: "One NDJSON line: the body of POST /api/orders plus an optional reference." });

const batchIdSchema = z.string().meta({ description: "Prefixed, random batch id.", example: "bat_3k9d0q2m7x" });

export const batchCountsSchema = z
  .object({
    total: z.number().int().meta({ description: "Lines in the file." }),
    rejected: z.number().int().meta({ description: "Lines refused, each with the error POST /api/orders would give." }),
    open: z.number().int().meta({ description: "Lines whose order is not final yet (or not placed yet)." }),
    shipped: z.number().int(),
    failed: z.number().int().meta({ description: "Orders payment_failed or rejected." }),
    cancelled: z.number().int(),
  })
  .meta({ id: "BatchCounts" });

export const batchViewSchema = z
  .object({
    batch_id: batchIdSchema,
    status: z.enum(BATCH_STATUSES),
    created_at: isoTime,
    completed_at: isoTime.optional(),
    counts: batchCountsSchema,
    results_url: z.string().meta({ example: "/api/batches/bat_3k9d0q2m7x/results" }),
  })
  .meta({ id: "Batch" });

export type BatchView = z.infer<typeof batchViewSchema>;

export const batchAcceptedSchema = z
  .object({
    batch_id: batchIdSchema,
    status: z.enum(BATCH_STATUSES).meta({ description: "`in_progress` when created; an Idempotency-Key replay says the batch's status now." }),
    status_url: z.string().meta({ example: "/api/batches/bat_3k9d0q2m7x" }),
    counts: batchCountsSchema,
  })
  .meta({ id: "BatchAccepted" });

export const batchListSchema = z.object({ data: z.array(batchViewSchema), next_cursor: z.string().nullable() }).meta({ id: "BatchList" });

export const batchResultLineSchema = z
  .object({
    line: z.number().int().meta({ description: "The line's number in the file (1-based; blank lines are skipped but counted)." }),
    reference: z.string().optional(),
    order_id: z.string().optional(),
    status: orderStatusSchema.optional(),
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }).optional(),
  })
  .meta({ id: "BatchResultLine", description: "One NDJSON line of the results, in input order." });

export type BatchResultLine = z.infer<typeof batchResultLineSchema>;

/**
 * Outbound webhooks (CONTRACT §8; docs/api.md "Outbound webhooks"): the endpoints' requests
 * and answers, the delivery log, and the bodies Conveyor POSTs to endpoints (described under
 * the OpenAPI document's `webhooks`).
 */
export const webhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES).meta({ id: "WebhookEventType" });
const webhookEventsSchema = z
  .array(webhookEventTypeSchema)
  .min(1)
  .max(WEBHOOK_EVENT_TYPES.length)
  .refine((types) => new Set(types).size === types.length, "must not repeat a type")
  .meta({ description: "The types sent to this endpoint; every type when omitted at creation." });
const webhookUrlSchema = text(MAX_WEBHOOK_URL_LENGTH)
  .min(1)
  .meta({ description: "Where deliveries are POSTed. In production https to a public address.", example: "https://example.com/conveyor/webhooks" });
const webhookDescriptionSchema = text(MAX_WEBHOOK_DESCRIPTION_LENGTH);

export const createWebhookEndpointInputSchema = z
  .object({ url: webhookUrlSchema, events: webhookEventsSchema.optional(), description: webhookDescriptionSchema.optional() })
  .strict()
  .meta({ id: "CreateWebhookEndpoint" });
export type CreateWebhookEndpointInput = z.infer<typeof createWebhookEndpointInputSchema>;

export const updateWebhookEndpointInputSchema = z
  .object({
    url: webhookUrlSchema.optional(),
    events: webhookEventsSchema.optional(),
    description: webhookDescriptionSchema.optional(),
    status: z.enum(WEBHOOK_ENDPOINT_STATUSES).optional(),
  })
  .strict()
  .meta({ id: "UpdateWebhookEndpoint" });
export type UpdateWebhookEndpointInput = z.infer<typeof updateWebhookEndpointInputSchema>;

export const webhookEndpointSchema = z
  .object({
    id: z.string().meta({ example: "we_3kq9x2m1p0c7b5n4z8y6" }),
    url: z.string(),
    description: z.string(),
    events: z.array(webhookEventTypeSchema),
    status: z.enum(WEBHOOK_ENDPOINT_STATUSES),
    disabled_reason: z.string().optional().meta({ description: "Why Conveyor disabled it (410 Gone, 5 days of failures)." }),
    created_at: isoTime,
    updated_at: isoTime,
  })
  .meta({ id: "WebhookEndpoint" });
export type WebhookEndpointView = z.infer<typeof webhookEndpointSchema>;

const webhookSecretField = z.string().meta({ description: "`whsec_` + base64; the HMAC key is the decoded bytes. Shown at creation and rotation only.", example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" });

export const webhookEndpointCreatedSchema = webhookEndpointSchema.extend({ secret: webhookSecretField }).meta({ id: "WebhookEndpointCreated" });
export const webhookEndpointListSchema = z.object({ data: z.array(webhookEndpointSchema) }).meta({ id: "WebhookEndpointList" });
export const webhookSecretSchema = z.object({ secret: webhookSecretField }).meta({ id: "WebhookSecret" });

export const webhookDeliverySchema = z
  .object({
    message_id: z.string().meta({ example: "msg_8d2k4m6p0q1r3s5t7v9x" }),
    type: webhookEventTypeSchema,
    state: z.enum(WEBHOOK_MESSAGE_STATES),
    attempts: z.array(
      z.object({
        at: isoTime,
        status_code: z.number().int().optional(),
        duration_ms: z.number().int(),
        error: z.string().optional(),
      }),
    ),
    next_attempt_at: isoTime.optional(),
  })
  .meta({ id: "WebhookDelivery" });
export type WebhookDeliveryView = z.infer<typeof webhookDeliverySchema>;

export const webhookDeliveryListSchema = z
  .object({ data: z.array(webhookDeliverySchema), next_cursor: z.string().nullable() })
  .meta({ id: "WebhookDeliveryList" });

/** The `data` of `order.status_changed`: the order as GET /api/orders/{id}, without `events`. */
export const orderStatusChangedDeliverySchema = z
  .object({ id: z.string(), type: z.literal("order.status_changed"), timestamp: isoTime, data: orderViewSchema.omit({ events: true }) })
  .meta({ id: "OrderStatusChangedDelivery" });
/** The `data` of `batch.completed`: the batch as GET /api/batches/{id} returns it (CONTRACT §9). */
export const batchCompletedDeliverySchema = z
  .object({ id: z.string(), type: z.literal("batch.completed"), timestamp: isoTime, data: batchViewSchema })
  .meta({ id: "BatchCompletedDelivery" });
