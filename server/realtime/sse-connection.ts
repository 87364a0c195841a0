import "server-only";
import type { ServerResponse } from "node:http";
import type { Database } from "@/server/db/client";
import type { HeartbeatTarget, HeartbeatTicker } from "./heartbeat-ticker";
import type { OrderEventHub } from "./order-event-hub";
import { OrderFeed, type FeedOutput } from "./order-feed";
import { loggerFor } from "@/server/logging/logger";

const log = loggerFor("sse");

/** The headers of every event stream. `no-transform` keeps compression (and proxies) from buffering it. */
export const SSE_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  Connection: "keep-alive",
  "X-Accel-Buffering": "no",
} as const;

const encoder = new TextEncoder();
// Constant chunks are encoded once for the process; every connection writes the same bytes.
const RETRY_CHUNK = encoder.encode("retry: 2000\n\n");
const HEARTBEAT_CHUNK = encoder.encode(": heartbeat\n\n");

/**
 * The reconnection delay sent before an idle stream ends: spread over a few seconds, so the
 * streams that went idle on one tick do not all come back on the same one.
 */
const idleRetryChunk = () => encoder.encode(`retry: ${2000 + Math.floor(Math.random() * 3000)}\n\n`);

/** Heartbeat ticks without an event after which a stream ends (at least one). */
export function idleTicks(options: { heartbeatSeconds: number; maxIdleSeconds: number }): number {
  // The epsilon keeps 0.6 / 0.2 (2.9999…) and 0.2 * 3 / 0.2 (3.0000…4) at three ticks.
  return Math.max(1, Math.ceil(options.maxIdleSeconds / options.heartbeatSeconds - 1e-9));
}

/**
 * Node keeps the response head it wrote as `_header` for as long as the response lasts, built
 * by appending each header line to a string: V8 holds that as a tree of ~40 concatenation
 * nodes (≈ 1.3 KB with the security headers) that nothing ever flattens. A stream lasts
 * minutes, so its head is replaced by one flat copy of the same text (≈ 0.4 KB): Node writes
 * it with the first chunk (the same bytes, the same length) and afterwards only tests it for
 * truth (decision 039).
 */
function keepFlatHead(res: ServerResponse): void {
  const head = (res as ServerResponse & { _header?: unknown })._header;
  if (typeof head === "string") (res as ServerResponse & { _header: string })._header = Buffer.from(head, "latin1").toString("latin1");
}

/**
 * One open SSE response and the order feeds it carries (one for GET /api/orders/{id}/events,
 * one per order for the shopper's stream). It writes frames straight to Node's
 * ServerResponse — no web stream, no Next request pipeline (decision 022) — and owns the
 * lifecycle both streams share: heartbeats from the process's one ticker, the end once every
 * order is final, the end of a stream that carried no event for `maxIdleTicks` heartbeats
 * (after a `retry:` hint; the client reconnects, with Last-Event-ID), and letting go of the
 * hub and the ticker when the client leaves.
 */
export class SseConnection implements FeedOutput, HeartbeatTarget {
  readonly feeds: OrderFeed[];
  private unfinished: number;
  private closed = false;
  // Heartbeats since the last event: counting ticks of the shared timer costs no clock read.
  private quietTicks = 0;
  // The only per-connection closure: Node's emitter takes functions, not listener objects.
  private readonly onClientGone = () => this.stop();

  constructor(
    private readonly res: ServerResponse,
    db: Database,
    orderIds: string[],
    hub: OrderEventHub,
    private readonly ticker: HeartbeatTicker,
    private readonly maxIdleTicks: number,
  ) {
    this.feeds = orderIds.map((orderId) => new OrderFeed(db, orderId, hub, this));
    this.unfinished = this.feeds.length;
    res.once("close", this.onClientGone);
  }

  /**
   * Sends the headers, subscribes every feed, then runs `initialRead` (which sends each
   * order's current state or replay), then releases the notices that arrived meanwhile.
   * A failure after the headers went out can only cut the connection (the client's
   * EventSource reconnects, with Last-Event-ID).
   */
  async start(initialRead: () => Promise<void>): Promise<void> {
    this.res.writeHead(200, SSE_HEADERS);
    keepFlatHead(this.res);
    // HEAD gets the headers only, as Next answered it: a stream nobody reads is not opened.
    if (this.res.req.method === "HEAD") return this.close();
    try {
      await Promise.all(this.feeds.map((feed) => feed.subscribe()));
      // The client left while we subscribed, or before we were built (authentication takes a
      // round trip): then `close` has already fired and will not again.
      if (this.closed || this.res.closed) return this.stop();
      this.ticker.join(this);
      this.send(RETRY_CHUNK);
      if (this.unfinished === 0) return this.close(); // a shopper stream of no orders
      await initialRead();
    } catch (err) {
      // The 200 is already out, so no error body can follow: cut the connection.
      this.stop();
      this.res.destroy();
      log.error({ err }, "stream failed");
      return;
    }
    for (const feed of this.feeds) feed.goLive();
  }

  /**
   * Never throws: heartbeats and notices reach many connections from one loop, and one
   * client that went away unnoticed must not stop the others.
   */
  write(chunk: Uint8Array): void {
    this.quietTicks = 0;
    this.send(chunk);
  }

  heartbeat(): void {
    if (++this.quietTicks < this.maxIdleTicks) return this.send(HEARTBEAT_CHUNK);
    this.send(idleRetryChunk());
    this.close();
  }

  private send(chunk: Uint8Array): void {
    if (this.closed || this.res.destroyed || this.res.writableEnded) return;
    this.res.write(chunk);
  }

  feedFinished(): void {
    if (--this.unfinished === 0) this.close();
  }

  feedFailed(): void {
    this.close(); // the client reconnects and replays from its Last-Event-ID
  }

  private close(): void {
    if (this.closed) return;
    this.stop();
    if (!this.res.destroyed && !this.res.writableEnded) this.res.end();
  }

  private stop(): void {
    this.closed = true;
    this.res.off("close", this.onClientGone);
    this.ticker.leave(this);
    for (const feed of this.feeds) feed.stop();
  }
}
