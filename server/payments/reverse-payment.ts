import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { mustReturnMoney } from "@/lib/order-state";
import type { Database } from "@/server/db/client";
import { orders, payments } from "@/server/db/schema";
import type { PaymentProvider } from "./payment-provider";
import { chargeIdempotencyKey } from "./charge-payment";

export function reversalIdempotencyKey(orderId: string): string {
  return `reverse_${orderId}`;
}

/**
 * Voids (undecided) or refunds (captured) the charge of an order that will not ship. Several
 * triggers may queue this (the cancel, a late completion, retries exhausted, a mismatched
 * amount); the money rule is checked again here, the provider dedupes by one reversal key
 * per order, and the conditional `reversed_at` records it once. The charge is addressed by
 * its idempotency key, so a charge whose id never reached us is reversed all the same.
 * `charge_not_found`: the charge has not reached the provider (yet); if it lands, its
 * verdict (webhook or reconciliation) triggers this again.
 */
export async function reversePayment(
  db: Database,
  provider: PaymentProvider,
  orderId: string,
): Promise<"reversed" | "nothing_to_reverse" | "already_reversed" | "charge_not_found"> {
  const [row] = await db.select({ order: orders, payment: payments }).from(orders).innerJoin(payments, eq(payments.orderId, orders.id)).where(eq(orders.id, orderId));
  if (!row || !mustReturnMoney(row.order) || row.payment.status === "failed" || row.payment.status === "flagged") return "nothing_to_reverse";
  if (row.payment.reversedAt) return "already_reversed";
  const result = await provider.reverseCharge({ idempotencyKey: reversalIdempotencyKey(orderId), chargeKey: chargeIdempotencyKey(orderId) });
  if (result.kind === "not_found") return "charge_not_found";
  if (result.kind === "not_required") return "nothing_to_reverse";
  await db
    .update(payments)
    .set({ reversal: result.kind, reversedAt: sql`now()`, providerChargeId: sql`coalesce(${payments.providerChargeId}, ${result.chargeId ?? null})` })
    .where(and(eq(payments.orderId, orderId), isNull(payments.reversedAt)));
  return "reversed";
}
