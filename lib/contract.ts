/**
 * Zod schemas of the public contract's request bodies (CONTRACT.md §2, §3).
 * Client-safe, so the storefront can validate with the exact rules the server applies.
 */
import { z } from "zod";

export const MAX_ORDER_LINES = 100;
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
    user_id: z.string().min(1).max(64).optional(),
  })
  .strict();

export type PlaceOrderInput = z.infer<typeof placeOrderInputSchema>;

export const idempotencyKeySchema = z.string().min(1).max(255);

export const PAYMENT_EVENT_TYPES = ["payment.completed", "payment.failed", "payment.flagged"] as const;
export type PaymentEventType = (typeof PAYMENT_EVENT_TYPES)[number];

/** Body of POST /webhooks/payments. Extra fields from a provider are tolerated (forward compatibility). */
export const paymentWebhookSchema = z.object({
  event: z.enum(PAYMENT_EVENT_TYPES),
  order_id: z.string().min(1).max(64),
  amount: z.number().nonnegative().optional(),
  currency: z.string().length(3).optional(),
  completed_at: z.string().optional(),
  reason: z.string().max(200).optional(),
  risk_score: z.number().optional(),
});

export type PaymentWebhook = z.infer<typeof paymentWebhookSchema>;
