import "server-only";
import { and, asc, desc, eq, gt, inArray } from "drizzle-orm";
import { isFinalStatus, type OrderStatus } from "@/lib/order-state";
import type { Database } from "@/server/db/client";
import { orderEvents } from "@/server/db/schema";
import { recordEvent } from "@/server/telemetry/spans";
import type { OrderEventHub, OrderEventNotice, OrderEventSubscriber } from "./order-event-hub";

type StreamEvent = { id: string; status: OrderStatus; timestamp: string; tracking: string | null };
type EventRow = typeof orderEvents.$inferSelect;

const encoder = new TextEncoder();

function formatStatusUpdate(orderId: string, event: StreamEvent): string {
  const data: Record<string, string> = { order_id: orderId, status: event.status, timestamp: event.timestamp };
  if (event.tracking) data.tracking = event.tracking;
  return `id: ${event.id}\nevent: status_update\ndata: ${JSON.stringify(data)}\n\n`;
}

// The hub hands the same notice object to every subscriber of the order, so its frame is
// encoded once, by whichever feed sends it first, and shared by the rest (decision 021).
const noticeFrames = new WeakMap<OrderEventNotice, Uint8Array>();

function frameOfNotice(notice: OrderEventNotice): Uint8Array {
  let frame = noticeFrames.get(notice);
  if (!frame) {
    const event = { id: notice.id, status: notice.status, timestamp: new Date(notice.timestamp).toISOString(), tracking: notice.tracking };
    noticeFrames.set(notice, (frame = encoder.encode(formatStatusUpdate(notice.order_id, event))));
  }
  return frame;
}

function frameOfRow(row: EventRow): Uint8Array {
  const tracking = typeof row.detail.tracking === "string" ? row.detail.tracking : null;
  return encoder.encode(formatStatusUpdate(row.orderId, { id: row.id, status: row.status, timestamp: row.createdAt.toISOString(), tracking }));
}

/** Where a feed's frames go: an SSE connection carrying one or several feeds. */
export interface FeedOutput {
  write(chunk: Uint8Array): void;
  /** The feed sent its order's final status (or the client already had it): nothing more will come. */
  feedFinished(): void;
  /** The feed could not read the log (database gone): the connection cannot go on. */
  feedFailed(): void;
}

/**
 * One order's events on one SSE connection: the hub subscriber, the log reads, and the
 * rule that every event is written once, in log order. Anything already sent (by sequence
 * number) is skipped, so the initial read and the live feed may overlap safely, and notices
 * that arrive before the initial read is done are held back, then sent in order.
 *
 * Used alone by the per-order stream and once per order by the shopper's multi-order
 * stream; it owns no timer, no closure and no socket (the connection does).
 */
export class OrderFeed implements OrderEventSubscriber {
  private lastSentSeq = 0;
  private stopped = false;
  // Notices that arrive while the log is being read; sent (in order) by goLive().
  private early: OrderEventNotice[] | undefined = [];
  /** The order's trace (orders.trace_parent): each push is a span in it (decision 034). */
  traceParent: string | null = null;

  constructor(
    private readonly db: Database,
    readonly orderId: string,
    private readonly hub: OrderEventHub,
    private readonly output: FeedOutput,
  ) {}

  /** First, before any read of the log: nothing can fall between the two. */
  subscribe(): Promise<void> {
    return this.hub.add(this.orderId, this);
  }

  /**
   * The per-order stream's start: with a known Last-Event-ID, every event after it (and the
   * end, if the client already has the final one); otherwise the latest event.
   */
  async replay(lastEventId: string | null): Promise<void> {
    const { db, orderId } = this;
    const [after] = lastEventId
      ? await db
          .select({ seq: orderEvents.seq, status: orderEvents.status })
          .from(orderEvents)
          .where(and(eq(orderEvents.orderId, orderId), eq(orderEvents.id, lastEventId)))
      : [];
    if (after) {
      this.lastSentSeq = after.seq;
      await this.catchUp();
      if (this.lastSentSeq === after.seq && isFinalStatus(after.status)) this.finish();
      return;
    }
    const [latest] = await db.select().from(orderEvents).where(eq(orderEvents.orderId, orderId)).orderBy(desc(orderEvents.seq)).limit(1);
    if (latest) this.sendRow(latest);
  }

  /** Ends the initial read: the notices held back meanwhile go out, in sequence order. */
  goLive(): void {
    const early = this.early ?? []; // none left if the feed already stopped
    this.early = undefined;
    early.sort((a, b) => a.seq - b.seq);
    for (const notice of early) this.sendNotice(notice);
  }

  sendRow(row: EventRow): void {
    if (!this.stopped && row.seq > this.lastSentSeq) this.send(row.seq, row.status, frameOfRow(row));
  }

  onEvent(notice: OrderEventNotice): void {
    if (this.early) this.early.push(notice);
    else this.sendNotice(notice);
  }

  /** The hub's LISTEN reconnected and may have missed notices: read what came after the last sent. */
  onResync(): void {
    this.catchUp().catch(() => this.output.feedFailed());
  }

  stop(): void {
    this.stopped = true;
    this.early = undefined;
    this.hub.unsubscribe(this.orderId, this);
  }

  private async catchUp(): Promise<void> {
    const rows = await this.db
      .select()
      .from(orderEvents)
      .where(and(eq(orderEvents.orderId, this.orderId), gt(orderEvents.seq, this.lastSentSeq)))
      .orderBy(asc(orderEvents.seq));
    for (const row of rows) this.sendRow(row);
  }

  private sendNotice(notice: OrderEventNotice): void {
    if (!this.stopped && notice.seq > this.lastSentSeq) this.send(notice.seq, notice.status, frameOfNotice(notice));
  }

  private send(seq: number, status: OrderStatus, frame: Uint8Array): void {
    this.lastSentSeq = seq;
    this.output.write(frame);
    recordEvent("order.sse.push", this.traceParent, { "conveyor.order_id": this.orderId, "conveyor.order.status": status, "conveyor.event.seq": seq });
    if (isFinalStatus(status)) this.finish();
  }

  private finish(): void {
    this.stop();
    this.output.feedFinished();
  }
}

/** The latest event of each order, in one query (the shopper stream's start). */
export async function latestEventRows(db: Database, orderIds: string[]): Promise<EventRow[]> {
  return db
    .selectDistinctOn([orderEvents.orderId])
    .from(orderEvents)
    .where(inArray(orderEvents.orderId, orderIds))
    .orderBy(orderEvents.orderId, desc(orderEvents.seq));
}
