import "server-only";
import { and, asc, desc, eq, gt } from "drizzle-orm";
import { isFinalStatus, type OrderStatus } from "@/lib/order-status";
import type { Database } from "@/server/db/client";
import { orderEvents } from "@/server/db/schema";
import { heartbeatTicker, type HeartbeatTarget, type HeartbeatTicker } from "./heartbeat-ticker";
import { getOrderEventHub, type OrderEventHub, type OrderEventNotice, type OrderEventSubscriber } from "./order-event-hub";

type StreamEvent = { id: string; status: OrderStatus; timestamp: string; tracking: string | null };

const encoder = new TextEncoder();
// Constant chunks are encoded once for the process; streams enqueue the same bytes (nothing
// downstream mutates a chunk).
const RETRY_CHUNK = encoder.encode("retry: 2000\n\n");
const HEARTBEAT_CHUNK = encoder.encode(": heartbeat\n\n");

export function formatStatusUpdate(orderId: string, event: StreamEvent): string {
  const data: Record<string, string> = { order_id: orderId, status: event.status, timestamp: event.timestamp };
  if (event.tracking) data.tracking = event.tracking;
  return `id: ${event.id}\nevent: status_update\ndata: ${JSON.stringify(data)}\n\n`;
}

// The hub hands the same notice object to every subscriber of the order, so its frame is
// encoded once, by whichever stream sends it first, and shared by the rest.
const noticeFrames = new WeakMap<OrderEventNotice, Uint8Array>();

function frameOfNotice(notice: OrderEventNotice): Uint8Array {
  let frame = noticeFrames.get(notice);
  if (!frame) {
    const event = { id: notice.id, status: notice.status, timestamp: new Date(notice.timestamp).toISOString(), tracking: notice.tracking };
    noticeFrames.set(notice, (frame = encoder.encode(formatStatusUpdate(notice.order_id, event))));
  }
  return frame;
}

function frameOfRow(row: typeof orderEvents.$inferSelect): Uint8Array {
  const tracking = typeof row.detail.tracking === "string" ? row.detail.tracking : null;
  return encoder.encode(formatStatusUpdate(row.orderId, { id: row.id, status: row.status, timestamp: row.createdAt.toISOString(), tracking }));
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
  const source = new OrderEventSource(db, orderId, options.lastEventId, options.hub ?? getOrderEventHub(), heartbeatTicker(options.heartbeatSeconds * 1000));
  options.signal.addEventListener("abort", source, { once: true });
  return new ReadableStream<Uint8Array>(source);
}

/**
 * One open stream's whole state, in one object that is at once the stream's source, its hub
 * subscriber, its heartbeat target and its abort listener — so an open stream costs this
 * object, its Set entries and what the runtime needs for the response, and no per-stream
 * timers or closures (decision 021).
 */
class OrderEventSource implements UnderlyingDefaultSource<Uint8Array>, OrderEventSubscriber, HeartbeatTarget, EventListenerObject {
  private controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  private lastSentSeq = 0;
  private closed = false;
  // Notices that arrive while the log is being read; sent (in order) once it has been.
  private early: OrderEventNotice[] | undefined = [];

  constructor(
    private readonly db: Database,
    private readonly orderId: string,
    private readonly lastEventId: string | null,
    private readonly hub: OrderEventHub,
    private readonly ticker: HeartbeatTicker,
  ) {}

  async start(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    this.controller = controller;
    // Subscribe first, then read the log: nothing can fall between the two.
    await this.hub.add(this.orderId, this);
    if (this.closed) return this.hub.unsubscribe(this.orderId, this); // aborted while subscribing
    this.ticker.join(this);
    this.enqueue(RETRY_CHUNK);
    try {
      await this.replay();
    } catch (err) {
      this.stop(); // the stream errors; an errored stream's cancel() is never called
      throw err;
    }
    const early = this.early ?? []; // none left if the replay already ended the stream
    this.early = undefined;
    early.sort((a, b) => a.seq - b.seq);
    for (const notice of early) this.sendNotice(notice);
  }

  cancel(): void {
    this.stop();
  }

  /** The request's abort signal. */
  handleEvent(): void {
    this.close();
  }

  onEvent(notice: OrderEventNotice): void {
    if (this.early) this.early.push(notice);
    else this.sendNotice(notice);
  }

  onResync(): void {
    this.catchUp().catch(() => this.close());
  }

  heartbeat(): void {
    if (!this.closed) this.enqueue(HEARTBEAT_CHUNK);
  }

  private async replay(): Promise<void> {
    const { db, orderId, lastEventId } = this;
    const [after] = lastEventId
      ? await db
          .select({ seq: orderEvents.seq, status: orderEvents.status })
          .from(orderEvents)
          .where(and(eq(orderEvents.orderId, orderId), eq(orderEvents.id, lastEventId)))
      : [];
    if (after) {
      this.lastSentSeq = after.seq;
      await this.catchUp();
      // The client already has the final event: nothing more will ever come.
      if (this.lastSentSeq === after.seq && isFinalStatus(after.status)) this.close();
      return;
    }
    const [latest] = await db.select().from(orderEvents).where(eq(orderEvents.orderId, orderId)).orderBy(desc(orderEvents.seq)).limit(1);
    if (latest) this.send(latest.seq, latest.status, frameOfRow(latest));
  }

  private async catchUp(): Promise<void> {
    const rows = await this.db
      .select()
      .from(orderEvents)
      .where(and(eq(orderEvents.orderId, this.orderId), gt(orderEvents.seq, this.lastSentSeq)))
      .orderBy(asc(orderEvents.seq));
    for (const row of rows) this.send(row.seq, row.status, frameOfRow(row));
  }

  private sendNotice(notice: OrderEventNotice): void {
    if (!this.closed && notice.seq > this.lastSentSeq) this.send(notice.seq, notice.status, frameOfNotice(notice));
  }

  private send(seq: number, status: OrderStatus, frame: Uint8Array): void {
    if (this.closed || seq <= this.lastSentSeq) return;
    this.lastSentSeq = seq;
    this.enqueue(frame);
    if (isFinalStatus(status)) this.close();
  }

  /**
   * Never throws: heartbeats and notices reach many streams from one loop, and a client that
   * went away unnoticed (the controller already errored) must not stop the others.
   */
  private enqueue(chunk: Uint8Array): void {
    try {
      this.controller!.enqueue(chunk);
    } catch {
      this.stop();
    }
  }

  private close(): void {
    if (this.closed) return;
    this.stop();
    try {
      this.controller?.close();
    } catch {
      /* already closed by the client */
    }
  }

  private stop(): void {
    this.closed = true;
    this.early = undefined;
    this.ticker.leave(this);
    this.hub.unsubscribe(this.orderId, this);
  }
}
