import "server-only";
import type { ServerResponse } from "node:http";
import type { BatchView } from "@/lib/contract";
import type { Database } from "@/server/db/client";
import { loadBatchView } from "@/server/batches/batch-view";
import type { HeartbeatTarget, HeartbeatTickers } from "./heartbeat-ticker";
import type { OrderEventHub, OrderEventSubscriber } from "./order-event-hub";
import { idleTicks, SSE_HEADERS } from "./sse-connection";
import { loggerFor } from "@/server/logging/logger";

const log = loggerFor("sse");

/** At most one `batch_progress` a second (CONTRACT §9), however fast the batch's orders finish. */
export const BATCH_PROGRESS_INTERVAL_MS = 1000;

const encoder = new TextEncoder();

type Options = { heartbeatSeconds: number; maxIdleSeconds: number; hub: OrderEventHub; heartbeats: HeartbeatTickers };

/**
 * GET /api/batches/{id}/events, written to `res`: the batch now, then again after each change
 * (the batches row's trigger NOTIFYs on the order events' channel, keyed by the batch id, and
 * the process's one LISTEN hub hands it here), at most once a second — a burst of changes is
 * one read and one event at the end of the second — and the end of the stream once the batch
 * is no longer in progress. Heartbeats and the idle limit as the order streams have them.
 */
export async function streamBatchProgress(res: ServerResponse, db: Database, batchId: string, options: Options): Promise<void> {
  const stream = new BatchProgressStream(res, db, batchId, options);
  await stream.start();
}

class BatchProgressStream implements OrderEventSubscriber, HeartbeatTarget {
  private closed = false;
  private lastSentAt = 0;
  private lastBody = "";
  private timer: NodeJS.Timeout | undefined;
  private reading = false;
  private dirty = false;
  private quietTicks = 0;
  private readonly ticker;
  private readonly maxIdleTicks: number;
  private readonly onClientGone = () => this.stop();

  constructor(
    private readonly res: ServerResponse,
    private readonly db: Database,
    private readonly batchId: string,
    private readonly options: Options,
  ) {
    this.ticker = options.heartbeats.every(options.heartbeatSeconds * 1000);
    this.maxIdleTicks = idleTicks(options);
    res.once("close", this.onClientGone);
  }

  async start(): Promise<void> {
    this.res.writeHead(200, SSE_HEADERS);
    if (this.res.req.method === "HEAD") return this.close();
    try {
      // Subscribed before the first read, so no change falls between the two.
      await this.options.hub.add(this.batchId, this);
      if (this.closed || this.res.closed) return this.stop();
      this.ticker.join(this);
      this.send(encoder.encode("retry: 2000\n\n"));
      await this.readAndSend();
    } catch (err) {
      this.stop();
      this.res.destroy();
      log.error({ err }, "batch stream failed");
    }
  }

  onEvent(): void {
    this.schedule();
  }

  onResync(): void {
    this.schedule();
  }

  heartbeat(): void {
    if (++this.quietTicks < this.maxIdleTicks) return this.send(encoder.encode(": heartbeat\n\n"));
    this.send(encoder.encode(`retry: ${2000 + Math.floor(Math.random() * 3000)}\n\n`));
    this.close();
  }

  /** A change: read now if the last event is a second old, else once it is (one timer at most). */
  private schedule(): void {
    if (this.closed) return;
    if (this.reading) {
      this.dirty = true;
      return;
    }
    if (this.timer) return;
    const wait = Math.max(0, this.lastSentAt + BATCH_PROGRESS_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.readAndSend().catch((err: unknown) => {
        log.error({ err }, "batch stream read failed");
        this.close(); // the client's EventSource reconnects and gets the current state first
      });
    }, wait);
  }

  private async readAndSend(): Promise<void> {
    this.reading = true;
    let view: BatchView | null;
    try {
      view = await loadBatchView(this.db, this.batchId);
    } finally {
      this.reading = false;
    }
    if (!view || this.closed) return this.close();
    const body = JSON.stringify(view);
    if (body !== this.lastBody) {
      this.lastBody = body;
      this.lastSentAt = Date.now();
      this.quietTicks = 0;
      this.send(encoder.encode(`event: batch_progress\ndata: ${body}\n\n`));
    }
    if (view.status !== "in_progress") return this.close();
    if (this.dirty) {
      this.dirty = false;
      this.schedule();
    }
  }

  private send(chunk: Uint8Array): void {
    if (this.closed || this.res.destroyed || this.res.writableEnded) return;
    this.res.write(chunk);
  }

  private close(): void {
    this.finish(true);
  }

  private stop(): void {
    this.finish(false);
  }

  /** Lets go of the hub, the ticker and the timer once; ends the response too unless the client is already gone. */
  private finish(endResponse: boolean): void {
    const wasClosed = this.closed;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!wasClosed) {
      this.res.off("close", this.onClientGone);
      this.ticker.leave(this);
      this.options.hub.unsubscribe(this.batchId, this);
    }
    if (endResponse && !this.res.destroyed && !this.res.writableEnded) this.res.end();
  }
}
