/**
 * Zod schemas of the public contract's request bodies (docs/api.md, "POST /api/orders" and
 * "POST /webhooks/payments").
 * Client-safe, so the storefront can validate with the exact rules the server applies.
 */
import { z } from "zod";
import { ORDER_STATUSES, type OrderStatus } from "./order-state";

export const MAX_ORDER_LINES = 100;

/** Text that Postgres can store: NUL is the one character a `text` column refuses. */
const text = (max: number) => z.string().max(max).regex(/^[^\u0000]*$/, "must not contain NUL characters");

/** `ord_…` as the server issues them; anything else cannot name an order. */
export const ORDER_ID_PATTERN = /^ord_[a-z0-9]{1,64}$/;
export const MAX_LINE_QUANTITY = 1000;

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
