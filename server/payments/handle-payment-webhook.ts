import "server-only";
import { eq, sql } from "drizzle-orm";
import { ORDER_ID_PATTERN, type PaymentWebhook } from "@/lib/contract";
import { builtOnce } from "@/server/db/built-once";
import type { Database, Transaction } from "@/server/db/client";
import { orders, webhookReceipts, type Order } from "@/server/db/schema";
import { notFound } from "@/server/errors";
import type { StepQueue } from "@/server/pipeline/step-queue";
import { settlePayment } from "./settle-payment";

/**
 * A verified payment webhook. The webhook id is recorded in the same transaction as its
 * effect (by the statement that locks the order), so a redelivery (same id) is answered 200
 * and changes nothing, and a crash between the two cannot leave one without the other.
 */
export async function handlePaymentWebhook(
  db: Database,
  queue: StepQueue,
  webhookId: string,
  payload: PaymentWebhook,
): Promise<"processed" | "duplicate"> {
  if (!ORDER_ID_PATTERN.test(payload.order_id)) throw notFound(`No order ${payload.order_id}.`);
  return db.transaction(async (tx) => {
    const received = await lockOrderAndRecordReceipt(tx, webhookId, payload);
    if (!received) throw notFound(`No order ${payload.order_id}.`);
    if (!received.fresh) return "duplicate";
    await settlePayment(tx, queue, received.order, payload);
    return "processed";
  });
}

/**
 * Locks the order and records the webhook id, in one statement: the receipt is inserted only
 * when the order exists, and `fresh` says whether this id is new. A concurrent delivery of the
 * same id waits on our uncommitted receipt (and on the row lock), then finds it taken.
 */
async function lockOrderAndRecordReceipt(tx: Transaction, webhookId: string, payload: PaymentWebhook): Promise<{ order: Order; fresh: boolean } | undefined> {
  const [row] = await lockedOrderWithReceipt(tx, { webhookId, event: payload.event, orderId: payload.order_id });
  return row;
}

/** Every payment webhook runs it: built once (decision 046). */
const lockedOrderWithReceipt = builtOnce((db) => {
  const receipt = db.$with("receipt", {}).as(
    sql`INSERT INTO ${webhookReceipts} (webhook_id, event, order_id)
        SELECT ${sql.placeholder("webhookId")}, ${sql.placeholder("event")}, ${sql.placeholder("orderId")} WHERE EXISTS (SELECT 1 FROM ${orders} WHERE ${orders.id} = ${sql.placeholder("orderId")})
        ON CONFLICT DO NOTHING RETURNING webhook_id`,
  );
  return db
    .with(receipt)
    .select({ order: orders, fresh: sql<boolean>`EXISTS (SELECT 1 FROM receipt)` })
    .from(orders)
    .where(eq(orders.id, sql.placeholder("orderId")))
    .for("update");
});
