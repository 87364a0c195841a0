import "server-only";
import { ORDER_ID_PATTERN, type PaymentWebhook } from "@/lib/contract";
import type { Database } from "@/server/db/client";
import { webhookReceipts } from "@/server/db/schema";
import { notFound } from "@/server/errors";
import { lockOrder } from "@/server/orders/order-state-machine";
import type { StepQueue } from "@/server/pipeline/step-queue";
import { settlePayment } from "./settle-payment";

/**
 * A verified payment webhook. The webhook id is recorded in the same transaction as its
 * effect, so a redelivery (same id) is answered 200 and changes nothing, and a crash
 * between the two cannot leave one without the other.
 */
export async function handlePaymentWebhook(
  db: Database,
  queue: StepQueue,
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
    await settlePayment(tx, queue, order, payload);
    return "processed";
  });
}
