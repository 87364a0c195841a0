import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { enqueueInTx, type JobSender } from "@/jobs/boss";
import { QUEUES } from "@/jobs/queues";
import { isFinalStatus } from "@/lib/order-status";
import type { Database } from "@/server/db/client";
import { orders, payments } from "@/server/db/schema";
import { lockOrder, transitionOrder } from "@/server/orders/order-state-machine";
import type { PaymentProvider } from "./payment-provider";

/** The provider's idempotency key for an order's charge: a retried job can never charge twice. */
export function chargeIdempotencyKey(orderId: string): string {
  return `charge_${orderId}`;
}

/**
 * Asks the provider to charge the order. The provider answers "processing" at once; fraud
 * and risk checks run on its side and the outcome arrives by webhook. The HTTP call is made
 * outside any transaction so no row lock is held while a third party thinks.
 */
export async function requestCharge(db: Database, boss: JobSender, provider: PaymentProvider, orderId: string): Promise<"requested" | "skipped"> {
  const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
  if (!order || isFinalStatus(order.status) || (order.paymentState !== "none" && order.paymentState !== "processing")) return "skipped";

  const charge = await provider.createCharge({
    idempotencyKey: chargeIdempotencyKey(orderId),
    orderId,
    amountCents: order.totalCents,
    currency: order.currency,
    paymentMethod: order.paymentMethod,
  });

  await db.transaction(async (tx) => {
    const current = await lockOrder(tx, orderId);
    if (!current) return;
    await tx
      .insert(payments)
      .values({ orderId, providerChargeId: charge.chargeId, amountCents: order.totalCents, currency: order.currency, status: "processing" })
      .onConflictDoUpdate({ target: payments.orderId, set: { providerChargeId: charge.chargeId }, where: sql`${payments.providerChargeId} IS NULL` });
    await tx
      .update(orders)
      .set({ paymentState: "processing", updatedAt: sql`now()` })
      .where(and(eq(orders.id, orderId), eq(orders.paymentState, "none")));
    await transitionOrder(tx, orderId, "payment_processing", { detail: { charge_id: charge.chargeId } });
    // Cancelled while we were asking: the charge we just created must be reversed.
    if (current.status === "cancelled") {
      await enqueueInTx(boss, tx, QUEUES.reversePayment, { orderId }, `${orderId}:after-charge`);
    }
  });
  return "requested";
}
