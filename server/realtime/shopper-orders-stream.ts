import "server-only";
import { and, desc, eq, inArray } from "drizzle-orm";
import { isFinalStatus, type OrderStatus } from "@/lib/order-status";
import type { Database } from "@/server/db/client";
import { orderEvents, orders } from "@/server/db/schema";
import { notFound } from "@/server/errors";
import { getOrderEventHub, type OrderEventHub } from "./order-event-hub";
import { formatStatusUpdate } from "./order-event-stream";

export const MAX_STREAMED_ORDERS = 50;

type Latest = { seq: number; id: string; status: OrderStatus; timestamp: string; tracking: string | null };

/**
 * Checks that every order belongs to the shopper (404 otherwise, like GET) and returns their
 * ids. Done before the stream opens so a bad request gets a proper error response.
 */
export async function ownedOrderIds(db: Database, shopperId: string, ids: string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const rows = await db
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.shopperId, shopperId), inArray(orders.id, unique)));
  if (rows.length !== unique.length) throw notFound("No such order.");
  return unique;
}

/**
 * ONE stream for all of a shopper's orders on a page (a browser allows ~6 connections per
 * host, so never one per order row). On connect it sends each order's latest event, then
 * every change as its NOTIFY arrives through the process's single LISTEN (the hub), with
 * comment heartbeats. Per order, an event is sent only if it is newer than the last one
 * sent, so the initial read and the live feed may overlap. It ends when every order is
 * final. A reconnect simply starts over with the latest state: the client merges by the
 * state machine (lib/merge-order.ts), so a repeat is harmless.
 */
export function shopperOrdersStream(
  db: Database,
  orderIds: string[],
  options: { heartbeatSeconds: number; signal: AbortSignal; hub?: OrderEventHub },
): ReadableStream<Uint8Array> {
  const hub = options.hub ?? getOrderEventHub();
  const encoder = new TextEncoder();
  const lastSeq = new Map<string, number>();
  const finished = new Set<string>();
  let closed = false;
  let cleanup = () => {};

  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const close = () => {
        if (closed) return;
        closed = true;
        cleanup();
        try {
          controller.close();
        } catch {
          /* already closed by the client */
        }
      };
      const send = (orderId: string, event: Latest) => {
        if (closed || event.seq <= (lastSeq.get(orderId) ?? 0)) return;
        lastSeq.set(orderId, event.seq);
        controller.enqueue(encoder.encode(formatStatusUpdate(orderId, event)));
        if (isFinalStatus(event.status)) finished.add(orderId);
        if (finished.size === orderIds.length) close();
      };
      const sendLatest = async (ids: string[]) => {
        const rows = await db
          .selectDistinctOn([orderEvents.orderId])
          .from(orderEvents)
          .where(inArray(orderEvents.orderId, ids))
          .orderBy(orderEvents.orderId, desc(orderEvents.seq));
        for (const row of rows) {
          const tracking = typeof row.detail.tracking === "string" ? row.detail.tracking : null;
          send(row.orderId, { seq: row.seq, id: row.id, status: row.status, timestamp: row.createdAt.toISOString(), tracking });
        }
      };

      const unsubscribes = await Promise.all(
        orderIds.map((orderId) =>
          hub.subscribe(orderId, {
            onEvent: (notice) =>
              send(orderId, { seq: notice.seq, id: notice.id, status: notice.status, timestamp: new Date(notice.timestamp).toISOString(), tracking: notice.tracking }),
            onResync: () => void sendLatest([orderId]).catch(() => close()),
          }),
        ),
      );
      const heartbeat = setInterval(() => {
        if (!closed) controller.enqueue(encoder.encode(": heartbeat\n\n"));
      }, options.heartbeatSeconds * 1000);
      cleanup = () => {
        clearInterval(heartbeat);
        unsubscribes.forEach((unsubscribe) => unsubscribe());
      };
      options.signal.addEventListener("abort", close, { once: true });

      controller.enqueue(encoder.encode("retry: 2000\n\n"));
      if (orderIds.length === 0) return close();
      await sendLatest(orderIds);
    },
    cancel() {
      closed = true;
      cleanup();
    },
  });
}
