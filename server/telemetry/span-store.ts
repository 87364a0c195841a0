import "server-only";
import { SpanStatusCode, TraceFlags } from "@opentelemetry/api";
import { hrTimeToTimeStamp } from "@opentelemetry/core";
import type { ReadableSpan, SpanProcessor } from "@opentelemetry/sdk-trace";
import type pg from "pg";

/** What the store needs of a pool: one statement at a time. */
export type SpanStorePool = Pick<pg.Pool, "query">;

const FLUSH_EVERY_MS = 1000;
const MAX_BATCH = 500;
/** Spans waiting beyond this are dropped (counted), so a database that cannot keep up never grows the heap. */
const MAX_BUFFERED = 5000;

/**
 * A span processor that keeps finished spans in `trace_spans` (decision 034): buffered, and
 * written once a second (or as soon as a batch is full) in ONE insert of up to MAX_BATCH rows,
 * off the request and job paths. A span ended before the pool is attached waits in the buffer.
 * Best effort: a failed write drops that batch (the trace is a diagnosis aid, never the record
 * of what happened to an order — the events and job attempts are).
 */
export class PostgresSpanStore implements SpanProcessor {
  private buffer: ReadableSpan[] = [];
  private pool: SpanStorePool | undefined;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private stopped = false;
  dropped = 0;

  constructor(private readonly service: string) {}

  /** Starts writing to `pool` (the process's own, once it exists). */
  attach(pool: SpanStorePool): void {
    this.pool = pool;
    this.schedule();
  }

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    if (this.stopped || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.buffer.length >= MAX_BUFFERED) {
      this.dropped++;
      return;
    }
    this.buffer.push(span);
    if (this.buffer.length >= MAX_BATCH && this.pool) void this.flush();
    else this.schedule();
  }

  async forceFlush(): Promise<void> {
    while (this.pool && this.buffer.length > 0) await this.flush();
    await this.writing;
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.timer || !this.pool || this.buffer.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, FLUSH_EVERY_MS);
    this.timer.unref();
  }

  /** Writes the next batch after the one being written (one insert at a time per process). */
  private flush(): Promise<void> {
    const batch = this.buffer.splice(0, MAX_BATCH);
    if (batch.length === 0 || !this.pool) return this.writing;
    const pool = this.pool;
    this.writing = this.writing
      .then(() => insertSpans(pool, this.service, batch))
      .catch(() => {
        this.dropped += batch.length;
      })
      .finally(() => this.schedule());
    return this.writing;
  }
}

/** One statement for the whole batch (a batch is written once: a failed write is dropped, never retried). */
export async function insertSpans(pool: SpanStorePool, service: string, spans: ReadableSpan[]): Promise<void> {
  const rows = spans.map((span) => {
    const { traceId, spanId } = span.spanContext();
    const failed = span.status.code === SpanStatusCode.ERROR;
    return {
      trace_id: traceId,
      span_id: spanId,
      parent_span_id: span.parentSpanContext?.spanId ?? null,
      name: span.name,
      service,
      kind: span.kind,
      started_at: hrTimeToTimeStamp(span.startTime),
      ended_at: hrTimeToTimeStamp(span.endTime),
      status: span.status.code,
      error: failed ? (span.status.message ?? "error") : null,
      attributes: span.attributes,
      links: span.links.map((link) => ({ trace_id: link.context.traceId, span_id: link.context.spanId })),
    };
  });
  await pool.query(
    `INSERT INTO trace_spans (trace_id, span_id, parent_span_id, name, service, kind, started_at, ended_at, status, error, attributes, links)
     SELECT trace_id, span_id, parent_span_id, name, service, kind, started_at, ended_at, status, error, attributes, links
     FROM json_to_recordset($1::json) AS s (trace_id text, span_id text, parent_span_id text, name text, service text, kind smallint,
       started_at timestamptz, ended_at timestamptz, status smallint, error text, attributes jsonb, links jsonb)`,
    [JSON.stringify(rows)],
  );
}
