import "server-only";
import { ORDER_ID_PATTERN } from "@/lib/contract";
import type { Database } from "@/server/db/client";
import { conflict, notFound } from "@/server/errors";
import { releaseOrderStock } from "@/server/inventory/release-order-stock";
import type { StepQueue } from "@/server/pipeline/step-queue";
import { lockOrder, transitionOrder } from "./order-state-machine";
import { loadOrderView, type OrderView } from "./order-view";

/**
 * Cancels an order that has not shipped: stock goes back, the shopper is told, and money
 * the provider may hold is voided or refunded (the money rule, by a job, exactly once).
 * Cancelling a cancelled order answers the same order again; a shipped, failed or rejected
 * one is a conflict. `shopperId: null` is an admin.
 */
export async function cancelOrder(db: Database, queue: StepQueue, shopperId: string | null, orderId: string): Promise<OrderView> {
  if (!ORDER_ID_PATTERN.test(orderId)) throw notFound(`No order ${orderId}.`);
  await db.transaction(async (tx) => {
    const order = await lockOrder(tx, orderId);
    if (!order || (shopperId !== null && order.shopperId !== shopperId)) throw notFound(`No order ${orderId}.`);
    if (order.status === "cancelled") return;
    const cancelled = await transitionOrder(tx, orderId, "cancelled", { detail: { by: shopperId === null ? "admin" : "shopper" } });
    if (!cancelled) throw conflict("order_not_cancellable", `Order ${orderId} is ${order.status} and can no longer be cancelled.`, { status: order.status });
    await releaseOrderStock(tx, orderId);
    await queue.advance(tx, "cancelOrder", "cancelled", { order: cancelled });
  });
  return (await loadOrderView(db, orderId))!;
}
