import "server-only";
import { ORDER_ID_PATTERN, type PaymentWebhook } from "@/lib/contract";
import type { JobSender } from "@/jobs/boss";
import type { Database } from "@/server/db/client";
import { webhookReceipts, type Order } from "@/server/db/schema";
import { notFound } from "@/server/errors";
import { lockOrder } from "@/server/orders/order-state-machine";
import { applyPaymentOutcome, type PaymentOutcome } from "./apply-payment-outcome";

/**
 * A verified payment webhook. The webhook id is recorded in the same transaction as its
 * effect, so a redelivery (same id) is answered 200 and changes nothing, and a crash
 * between the two cannot leave one without the other.
 */
export async function handlePaymentWebhook(
  db: Database,
  boss: JobSender,
  webhookId: string,
  payload: PaymentWebhook,
): Promise<"processed" | "duplicate"> {
  if (!ORDER_ID_PATTERN.test(payload.order_id)) throw notFound(`No order ${payload.order_id}.`);
  return db.transaction(async (tx) => {
    const order = await lockOrder(tx, payload.order_id);
    if (!order) throw notFound(`No order ${payload.order_id}.`);
    const receipt = await tx
      .insert(webhookReceipts)
      .values({ webhookId, event: payload.event, orderId: payload.order_id })
      .onConflictDoNothing()
      .returning({ webhookId: webhookReceipts.webhookId });
    if (receipt.length === 0) return "duplicate";
    await applyPaymentOutcome(tx, boss, order, toOutcome(payload, order));
    return "processed";
  });
}

/**
 * A completion for another amount or currency than the order's does not pay the order: it
 * fails (`amount_mismatch`) and the captured money is refunded, rather than shipping goods
 * that were not paid for.
 */
function toOutcome(payload: PaymentWebhook, order: Order): PaymentOutcome {
  switch (payload.event) {
    case "payment.completed": {
      const wrongAmount = payload.amount !== undefined && Math.round(payload.amount * 100) !== order.totalCents;
      const wrongCurrency = payload.currency !== undefined && payload.currency !== order.currency;
      return wrongAmount || wrongCurrency ? { kind: "failed", reason: "amount_mismatch", captured: true } : { kind: "completed" };
    }
    case "payment.failed":
      return { kind: "failed", reason: payload.reason };
    case "payment.flagged":
      return { kind: "flagged", riskScore: payload.risk_score, reason: payload.reason };
  }
}
