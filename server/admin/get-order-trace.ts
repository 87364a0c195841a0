import "server-only";
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Database } from "@/server/db/client";
import { orders, traceSpans, type TraceSpan } from "@/server/db/schema";
import { env } from "@/server/env";
import { notFound } from "@/server/errors";
import { traceIdOf } from "@/server/telemetry/spans";

/** At most this many spans are drawn (an order has a few dozen; a runaway retry loop no more than this). */
export const MAX_TRACE_SPANS = 400;
// A stretch this long with nothing of the trace running or queued is drawn (a provider deciding
// its verdict); before a span another trace caused (a restock), any stretch is: that was the wait.
const IDLE_SHOWN_MS = 250;

export type TraceSpanRow = {
  spanId: string;
  name: string;
  service: string;
  /** Nesting under its parent within the drawn trace (0: a root, or its parent is not kept). */
  depth: number;
  /** From the trace's first span. */
  startMs: number;
  durationMs: number;
  /** A job's time in its queue before this (consumer) span started: drawn before the bar. */
  queueWaitMs?: number;
  /**
   * How long nothing of the trace ran before this span (or its queue wait) began: any stretch
   * before a span another trace caused (a back-order waiting for the restock), else one of at
   * least IDLE_SHOWN_MS (a provider deciding its verdict).
   */
  idleBeforeMs?: number;
  attempt?: number;
  error: string | null;
  /** The spans of other traces that caused this one (a restock resuming a back-order). */
  causedBy: string[];
};

export type OrderTrace = {
  traceId: string | null;
  spans: TraceSpanRow[];
  totalMs: number;
  truncated: boolean;
  retentionDays: number;
  /** TRACE_VIEW_URL with the trace id filled in: "open in your tracing tool". */
  externalUrl: string | null;
};

/**
 * One order's trace as the admin's waterfall draws it (decision 034): its spans from
 * trace_spans, depth-first by parent, each with its start, duration, queue wait and error,
 * and what caused it when that lies in another trace.
 */
export async function getOrderTrace(db: Database, orderId: string): Promise<OrderTrace> {
  const [order] = await db.select({ traceParent: orders.traceParent }).from(orders).where(eq(orders.id, orderId));
  if (!order) throw notFound(`No order ${orderId}.`);
  const config = env();
  const traceId = traceIdOf(order.traceParent) ?? null;
  const externalUrl = traceId && config.TRACE_VIEW_URL ? config.TRACE_VIEW_URL.replaceAll("{trace_id}", traceId) : null;
  const empty: OrderTrace = { traceId, spans: [], totalMs: 0, truncated: false, retentionDays: config.TRACE_RETENTION_DAYS, externalUrl };
  if (!traceId) return empty;
  const rows = await db.select().from(traceSpans).where(eq(traceSpans.traceId, traceId)).orderBy(asc(traceSpans.startedAt)).limit(MAX_TRACE_SPANS + 1);
  if (rows.length === 0) return empty;
  const kept = rows.slice(0, MAX_TRACE_SPANS);
  const causes = await linkedSpanNames(db, kept);
  const start = Math.min(...kept.map((row) => row.startedAt.getTime() - queueWaitOf(row)));
  const ordered = depthFirst(kept);
  const idle = idleGaps(kept);
  return {
    ...empty,
    truncated: rows.length > MAX_TRACE_SPANS,
    totalMs: Math.max(1, ...kept.map((row) => row.endedAt.getTime() - start)),
    spans: ordered.map(({ row, depth }) => ({
      spanId: row.spanId,
      name: row.name,
      service: row.service,
      depth,
      startMs: row.startedAt.getTime() - start,
      durationMs: Math.max(0, row.endedAt.getTime() - row.startedAt.getTime()),
      ...(queueWaitOf(row) > 0 ? { queueWaitMs: queueWaitOf(row) } : {}),
      ...(idle.has(row.spanId) ? { idleBeforeMs: idle.get(row.spanId) } : {}),
      ...(typeof row.attributes["conveyor.job.attempt"] === "number" ? { attempt: row.attributes["conveyor.job.attempt"] } : {}),
      error: row.error,
      causedBy: row.links.map((link) => causes.get(`${link.trace_id}:${link.span_id}`)).filter((name): name is string => Boolean(name)),
    })),
  };
}

function queueWaitOf(row: TraceSpan): number {
  const wait = row.attributes["conveyor.job.queue_wait_ms"];
  return typeof wait === "number" && wait > 0 ? wait : 0;
}

/** The spans before which nothing of the trace was running or queued (see idleBeforeMs). */
function idleGaps(rows: TraceSpan[]): Map<string, number> {
  const gaps = new Map<string, number>();
  const byBegin = rows.map((row) => ({ row, begin: row.startedAt.getTime() - queueWaitOf(row) })).sort((a, b) => a.begin - b.begin);
  let busyUntil: number | undefined;
  for (const { row, begin } of byBegin) {
    const gap = busyUntil === undefined ? 0 : begin - busyUntil;
    const causedElsewhere = row.links.some((link) => link.trace_id !== row.traceId);
    if (gap >= IDLE_SHOWN_MS || (causedElsewhere && gap > 0)) gaps.set(row.spanId, gap);
    busyUntil = Math.max(busyUntil ?? begin, row.endedAt.getTime());
  }
  return gaps;
}

/** Parents before their children, siblings by start; a span whose parent is not kept is a root. */
function depthFirst(rows: TraceSpan[]): { row: TraceSpan; depth: number }[] {
  const ids = new Set(rows.map((row) => row.spanId));
  const children = new Map<string | null, TraceSpan[]>();
  for (const row of rows) {
    const parent = row.parentSpanId && ids.has(row.parentSpanId) ? row.parentSpanId : null;
    const list = children.get(parent);
    if (list) list.push(row);
    else children.set(parent, [row]);
  }
  const out: { row: TraceSpan; depth: number }[] = [];
  const visit = (parent: string | null, depth: number) => {
    for (const row of children.get(parent) ?? []) {
      out.push({ row, depth });
      visit(row.spanId, depth + 1);
    }
  };
  visit(null, 0);
  return out;
}

/** "service: name" of the linked spans of other traces, in one query. */
async function linkedSpanNames(db: Database, rows: TraceSpan[]): Promise<Map<string, string>> {
  const links = rows.flatMap((row) => row.links);
  if (links.length === 0) return new Map();
  const found = await db
    .select({ traceId: traceSpans.traceId, spanId: traceSpans.spanId, name: traceSpans.name, service: traceSpans.service })
    .from(traceSpans)
    .where(
      and(
        inArray(traceSpans.spanId, [...new Set(links.map((link) => link.span_id))]),
        inArray(traceSpans.traceId, [...new Set(links.map((link) => link.trace_id))]),
      ),
    );
  return new Map(found.map((span) => [`${span.traceId}:${span.spanId}`, `${span.service.replace(/^conveyor-/, "")}: ${span.name}`]));
}
