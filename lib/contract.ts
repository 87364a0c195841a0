/**
 * Zod schemas of the public contract's request bodies (CONTRACT.md §2, §3).
 * Client-safe, so the storefront can validate with the exact rules the server applies.
 */
import { z } from "zod";
import type { OrderStatus } from "./order-status";

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
 * Body of POST /webhooks/payments: `payment.failed` carries a `reason`, `payment.flagged` a
 * `risk_score` (CONTRACT.md §3). Extra fields from a provider are tolerated (forward
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
 * decision instead of blocking it (docs/api.md, docs/decisions/026-manual-review.md).
 */
const paymentReviewSchema = z.object({ risk_score: z.number().min(0).max(1), reason: text(200).min(1).optional() });

export const paymentWebhookSchema = z.discriminatedUnion("event", [
  z.object({ ...webhookBase, event: z.literal("payment.completed"), review: paymentReviewSchema.optional() }),
  z.object({ ...webhookBase, event: z.literal("payment.failed"), reason: webhookBase.reason.unwrap() }),
  z.object({ ...webhookBase, event: z.literal("payment.flagged"), risk_score: webhookBase.risk_score.unwrap() }),
]);

export type PaymentWebhook = z.infer<typeof paymentWebhookSchema>;

/** The public shape of an order (CONTRACT.md §2, GET /api/orders/{id}). */
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
};

export type EventView = { id: string; status: OrderStatus; timestamp: string } & Record<string, unknown>;
