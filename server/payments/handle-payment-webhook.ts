import "server-only";
import { eq, sql } from "drizzle-orm";
import { ORDER_ID_PATTERN, type PaymentWebhook } from "@/lib/contract";
import { builtOnce } from "@/server/db/built-once";
import type { Database, Transaction } from "@/server/db/client";
import { orders, webhookLog, webhookReceipts, type Order } from "@/server/db/schema";
import { notFound } from "@/server/errors";
import type { StepQueue } from "@/server/pipeline/step-queue";
import { loggedPayload } from "./log-webhook-delivery";
import { settlePayment } from "./settle-payment";

/**
 * A verified payment webhook. The webhook id is recorded in the same transaction as its
 * effect (by the statement that locks the order), so a redelivery (same id) is answered 200
 * and changes nothing, and a crash between the two cannot leave one without the other. The
 * same statement writes the delivery's line in the webhook log (`processed` or `duplicate`,
 * with `raw`, the body as received), so a delivery costs one commit, not two (decision 057);
 * a delivery for an unknown order is logged by the caller, as the route's other refusals are.
 */
export async function handlePaymentWebhook(
  db: Database,
  queue: StepQueue,
  webhookId: string,
  payload: PaymentWebhook,
  raw: Buffer,
): Promise<"processed" | "duplicate"> {
  if (!ORDER_ID_PATTERN.test(payload.order_id)) throw notFound(`No order ${payload.order_id}.`);
  return db.transaction(async (tx) => {
    const received = await lockOrderAndRecordReceipt(tx, webhookId, payload, raw);
    if (!received) throw notFound(`No order ${payload.order_id}.`);
    if (!received.fresh) return "duplicate";
    await settlePayment(tx, queue, received.order, payload);
    return "processed";
  });
}

/**
 * Locks the order, records the webhook id and logs the delivery, in one statement: the receipt
 * and the log line are written only when the order exists, and `fresh` says whether this id is
 * new (the log line says `processed` when it is, `duplicate` when not). A concurrent delivery of
 * the same id waits on our uncommitted receipt (and on the row lock), then finds it taken.
 * Should the transaction roll back, its log line goes with it, as a failed delivery's did
 * before: the provider's retry is logged when it comes.
 */
async function lockOrderAndRecordReceipt(tx: Transaction, webhookId: string, payload: PaymentWebhook, raw: Buffer): Promise<{ order: Order; fresh: boolean } | undefined> {
  const [row] = await lockedOrderWithReceipt(tx, { webhookId, event: payload.event, orderId: payload.order_id, payload: loggedPayload(raw) });
  return row;
}

/** Every payment webhook runs it: built once (decision 046). */
const lockedOrderWithReceipt = builtOnce((db) => {
  // The order's id when it exists: the receipt and the log line are written only then.
  const known = db.$with("known", {}).as(sql`SELECT ${orders.id} FROM ${orders} WHERE ${orders.id} = ${sql.placeholder("orderId")}`);
  const receipt = db.$with("receipt", {}).as(
    sql`INSERT INTO ${webhookReceipts} (webhook_id, event, order_id)
        SELECT ${sql.placeholder("webhookId")}, ${sql.placeholder("event")}, id FROM known
        ON CONFLICT DO NOTHING RETURNING webhook_id`,
  );
  const logged = db.$with("logged", {}).as(
    sql`INSERT INTO ${webhookLog} (webhook_id, order_id, event, outcome, payload)
        SELECT ${sql.placeholder("webhookId")}, id, ${sql.placeholder("event")},
               CASE WHEN EXISTS (SELECT 1 FROM receipt) THEN 'processed' ELSE 'duplicate' END, ${sql.placeholder("payload")}
          FROM known`,
  );
  return db
    .with(known, receipt, logged)
    .select({ order: orders, fresh: sql<boolean>`EXISTS (SELECT 1 FROM receipt)` })
    .from(orders)
    .where(eq(orders.id, sql.placeholder("orderId")))
    .for("update");
});
