import "server-only";
import { ORDER_ID_PATTERN } from "@/lib/contract";
import { enqueueInTx, type JobSender } from "@/jobs/boss";
import { QUEUES } from "@/jobs/queues";
import type { Database } from "@/server/db/client";
import { queueNotification } from "@/server/email/notify-shopper";
import { conflict, notFound } from "@/server/errors";
import { releaseOrderStock } from "@/server/inventory/release-order-stock";
import { lockOrder, transitionOrder } from "./order-state-machine";
import { loadOrderView, type OrderView } from "./order-view";

/**
 * Cancels an order that has not shipped: stock goes back and the payment is voided or
 * refunded (by a job, exactly once). Cancelling a cancelled order answers the same order
 * again; a shipped, failed or rejected one is a conflict. `shopperId: null` is an admin.
 */
export async function cancelOrder(db: Database, boss: JobSender, shopperId: string | null, orderId: string): Promise<OrderView> {
  if (!ORDER_ID_PATTERN.test(orderId)) throw notFound(`No order ${orderId}.`);
  await db.transaction(async (tx) => {
    const order = await lockOrder(tx, orderId);
    if (!order || (shopperId !== null && order.shopperId !== shopperId)) throw notFound(`No order ${orderId}.`);
    if (order.status === "cancelled") return;
    const cancelled = await transitionOrder(tx, orderId, "cancelled", { detail: { by: shopperId === null ? "admin" : "shopper" } });
    if (!cancelled) throw conflict("order_not_cancellable", `Order ${orderId} is ${order.status} and can no longer be cancelled.`, { status: order.status });
    await releaseOrderStock(tx, orderId);
    if (order.paymentState === "processing" || order.paymentState === "completed") {
      await enqueueInTx(boss, tx, QUEUES.reversePayment, { orderId }, `${orderId}:cancel`);
    }
    await queueNotification(tx, boss, orderId, "cancelled");
  });
  return (await loadOrderView(db, orderId))!;
}
