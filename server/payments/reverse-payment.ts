import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "@/server/db/client";
import { payments } from "@/server/db/schema";
import type { PaymentProvider } from "./payment-provider";

export function reversalIdempotencyKey(orderId: string): string {
  return `reverse_${orderId}`;
}

/**
 * Voids (unsettled) or refunds (settled) a cancelled order's charge. Several triggers may
 * queue this (the cancel, a late `payment.completed`, a charge racing the cancel); the
 * provider idempotency key and the conditional `reversed_at` make it happen exactly once.
 */
export async function reversePayment(db: Database, provider: PaymentProvider, orderId: string): Promise<"reversed" | "nothing_to_reverse" | "already_reversed"> {
  const [payment] = await db.select().from(payments).where(eq(payments.orderId, orderId));
  if (!payment?.providerChargeId || payment.status === "failed" || payment.status === "flagged") return "nothing_to_reverse";
  if (payment.reversedAt) return "already_reversed";
  const result = await provider.reverseCharge({ idempotencyKey: reversalIdempotencyKey(orderId), chargeId: payment.providerChargeId });
  if (result.kind === "not_required") return "nothing_to_reverse";
  await db
    .update(payments)
    .set({ reversal: result.kind, reversedAt: sql`now()` })
    .where(and(eq(payments.orderId, orderId), isNull(payments.reversedAt)));
  return "reversed";
}
