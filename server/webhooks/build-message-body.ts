import "server-only";
import { eq } from "drizzle-orm";
import { loadBatchView } from "@/server/batches/batch-view";
import type { DbOrTx } from "@/server/db/client";
import { orderEvents, type WebhookMessage } from "@/server/db/schema";
import { loadOrderView } from "@/server/orders/order-view";

/**
 * The body of a message, `{ id, type, timestamp, data }` (CONTRACT §8), or undefined when its
 * subject is gone. Built at the first attempt and stored, so every retry sends the same bytes.
 * `order.status_changed`: the order as GET /api/orders/{id} returns it, without `events`, with
 * the status (and tracking) of the event the message is for — a later status may already be
 * stored, and each message speaks for its own change. `batch.completed`: the batch as
 * GET /api/batches/{id} returns it.
 */
export async function buildMessageBody(db: DbOrTx, message: Pick<WebhookMessage, "id" | "type" | "orderId" | "orderEventId" | "batchId" | "createdAt">): Promise<string | undefined> {
  if (message.type === "order.status_changed" && message.orderId && message.orderEventId) {
    const [event] = await db.select().from(orderEvents).where(eq(orderEvents.id, message.orderEventId));
    const view = await loadOrderView(db, message.orderId);
    if (!event || !view) return undefined;
    const { events: _events, tracking: _tracking, ...order } = view;
    const tracking = typeof event.detail.tracking === "string" ? event.detail.tracking : view.tracking;
    const data = { ...order, status: event.status, ...(tracking && event.status === "shipped" ? { tracking } : {}) };
    return JSON.stringify({ id: message.id, type: message.type, timestamp: event.createdAt.toISOString(), data });
  }
  if (message.type === "batch.completed" && message.batchId) {
    const batch = await loadBatchView(db, message.batchId);
    if (!batch) return undefined;
    return JSON.stringify({ id: message.id, type: message.type, timestamp: message.createdAt.toISOString(), data: batch });
  }
  return undefined;
}
