import "server-only";
import { eq, sql } from "drizzle-orm";
import { enqueueInTx, type JobSender } from "@/jobs/boss";
import { QUEUES } from "@/jobs/queues";
import type { Transaction } from "@/server/db/client";
import { orders, payments, type Order } from "@/server/db/schema";
import { queueNotification } from "@/server/email/notify-shopper";
import { releaseOrderStock } from "@/server/inventory/release-order-stock";
import { transitionOrder } from "@/server/orders/order-state-machine";
import { startFulfilmentIfReady } from "@/server/pipeline/start-fulfilment-if-ready";

export type PaymentOutcome =
  | { kind: "completed" }
  /** `captured`: the provider took money that does not pay this order, so it must be refunded. */
  | { kind: "failed"; reason: string; captured?: boolean }
  | { kind: "flagged"; riskScore?: number; reason?: string };

/**
 * Records the provider's verdict on an order's payment. The first verdict wins: a later,
 * duplicated or contradicting one is ignored, so an order never moves backwards.
 * The caller holds the order's row lock.
 */
export async function applyPaymentOutcome(
  tx: Transaction,
  boss: JobSender,
  order: Order,
  outcome: PaymentOutcome,
): Promise<"applied" | "ignored"> {
  if (order.paymentState === "completed" || order.paymentState === "failed" || order.paymentState === "flagged") return "ignored";
  // A verdict proves the charge was requested, even when it overtook our charge job's own
  // record of that: log `payment_processing` first, so every order's timeline is complete.
  if (order.status === "pending") await transitionOrder(tx, order.id, "payment_processing");

  const reason = outcome.kind === "completed" ? null : (outcome.reason ?? (outcome.kind === "flagged" ? "fraud_or_risk" : "declined"));
  const riskScore = outcome.kind === "flagged" ? (outcome.riskScore ?? null) : null;
  const captured = outcome.kind === "completed" || (outcome.kind === "failed" && outcome.captured === true);
  // The charge's own state at the provider: what decides whether there is money to give back.
  const chargeStatus = captured ? "completed" : outcome.kind;
  await tx
    .insert(payments)
    .values({ orderId: order.id, amountCents: order.totalCents, currency: order.currency, status: chargeStatus, riskScore, failureReason: reason, settledAt: sql`now()` })
    .onConflictDoUpdate({ target: payments.orderId, set: { status: chargeStatus, riskScore, failureReason: reason, settledAt: sql`now()` } });
  const [updated] = await tx
    .update(orders)
    .set({ paymentState: outcome.kind, updatedAt: sql`now()` })
    .where(eq(orders.id, order.id))
    .returning();
  const current = updated ?? order;

  if (outcome.kind === "completed") {
    if (current.status === "cancelled") {
      // Paid after the shopper cancelled: give the money back (exactly once, see reverse-payment).
      await enqueueInTx(boss, tx, QUEUES.reversePayment, { orderId: order.id }, `${order.id}:after-settle`);
      return "applied";
    }
    const confirmed = await transitionOrder(tx, order.id, "payment_confirmed");
    await startFulfilmentIfReady(tx, boss, confirmed ?? current);
    return "applied";
  }

  const to = outcome.kind === "failed" ? "payment_failed" : "rejected";
  const detail = outcome.kind === "flagged" ? { reason, risk_score: riskScore } : { reason };
  const moved = await transitionOrder(tx, order.id, to, { set: { failureReason: reason }, detail });
  if (moved) {
    await releaseOrderStock(tx, order.id);
    await queueNotification(tx, boss, order.id, to);
  }
  if (captured) await enqueueInTx(boss, tx, QUEUES.reversePayment, { orderId: order.id }, `${order.id}:invalid-capture`);
  return "applied";
}
