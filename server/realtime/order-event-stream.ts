import "server-only";
import { and, asc, desc, eq, gt } from "drizzle-orm";
import { isFinalStatus, type OrderStatus } from "@/lib/order-status";
import type { Database } from "@/server/db/client";
import { orderEvents } from "@/server/db/schema";
import { getOrderEventHub, type OrderEventHub, type OrderEventNotice } from "./order-event-hub";

type StreamEvent = { seq: number; id: string; status: OrderStatus; timestamp: string; tracking: string | null };

const encoder = new TextEncoder();

export function formatStatusUpdate(orderId: string, event: StreamEvent): string {
  const data: Record<string, string> = { order_id: orderId, status: event.status, timestamp: event.timestamp };
  if (event.tracking) data.tracking = event.tracking;
  return `id: ${event.id}\nevent: status_update\ndata: ${JSON.stringify(data)}\n\n`;
}

function fromNotice(notice: OrderEventNotice): StreamEvent {
  return { seq: notice.seq, id: notice.id, status: notice.status, timestamp: new Date(notice.timestamp).toISOString(), tracking: notice.tracking };
}

/**
 * The SSE stream of one order (CONTRACT.md §2): the current state at once (or, with
 * Last-Event-ID, every event after that one), then each change as its NOTIFY arrives,
 * comment heartbeats, and the end of the stream after a final status. Events are sent in
 * log order exactly once: anything already sent (by sequence number) is skipped, so the
 * replay and the live feed can overlap safely.
 */
export function orderEventStream(
  db: Database,
  orderId: string,
  options: { lastEventId: string | null; heartbeatSeconds: number; signal: AbortSignal; hub?: OrderEventHub },
): ReadableStream<Uint8Array> {
  const hub = options.hub ?? getOrderEventHub();
  let lastSentSeq = 0;
  let replayed = false;
  let closed = false;
  const early: StreamEvent[] = [];
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
      const send = (event: StreamEvent) => {
        if (closed || event.seq <= lastSentSeq) return;
        lastSentSeq = event.seq;
        controller.enqueue(encoder.encode(formatStatusUpdate(orderId, event)));
        if (isFinalStatus(event.status)) close();
      };
      const catchUp = async () => {
        const rows = await db
          .select()
          .from(orderEvents)
          .where(and(eq(orderEvents.orderId, orderId), gt(orderEvents.seq, lastSentSeq)))
          .orderBy(asc(orderEvents.seq));
        rows.forEach((row) => send(toStreamEvent(row)));
      };

      const unsubscribe = await hub.subscribe(orderId, {
        onEvent: (notice) => (replayed ? send(fromNotice(notice)) : early.push(fromNotice(notice))),
        onResync: () => void catchUp().catch(() => close()),
      });
      const heartbeat = setInterval(() => {
        if (!closed) controller.enqueue(encoder.encode(": heartbeat\n\n"));
      }, options.heartbeatSeconds * 1000);
      cleanup = () => {
        clearInterval(heartbeat);
        unsubscribe();
      };
      options.signal.addEventListener("abort", close, { once: true });

      controller.enqueue(encoder.encode("retry: 2000\n\n"));
      await replayFrom(options.lastEventId);
      replayed = true;
      early.sort((a, b) => a.seq - b.seq).forEach(send);

      async function replayFrom(lastEventId: string | null) {
        const [after] = lastEventId
          ? await db
              .select({ seq: orderEvents.seq, status: orderEvents.status })
              .from(orderEvents)
              .where(and(eq(orderEvents.orderId, orderId), eq(orderEvents.id, lastEventId)))
          : [];
        if (after) {
          lastSentSeq = after.seq;
          await catchUp();
          // The client already has the final event: nothing more will ever come.
          if (lastSentSeq === after.seq && isFinalStatus(after.status)) close();
          return;
        }
        const [latest] = await db.select().from(orderEvents).where(eq(orderEvents.orderId, orderId)).orderBy(desc(orderEvents.seq)).limit(1);
        if (latest) send(toStreamEvent(latest));
      }
    },
    cancel() {
      closed = true;
      cleanup();
    },
  });
}

function toStreamEvent(row: typeof orderEvents.$inferSelect): StreamEvent {
  const tracking = typeof row.detail.tracking === "string" ? row.detail.tracking : null;
  return { seq: row.seq, id: row.id, status: row.status, timestamp: row.createdAt.toISOString(), tracking };
}
