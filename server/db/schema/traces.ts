import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, smallint, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The spans of the last TRACE_RETENTION_DAYS (decision 034), written by every process's span
 * store (server/telemetry/span-store.ts) and pruned by the hourly maintenance: the admin's
 * order page draws an order's trace from here, no outside collector needed.
 */
export const traceSpans = pgTable(
  "trace_spans",
  {
    traceId: text("trace_id").notNull(),
    spanId: text("span_id").notNull(),
    parentSpanId: text("parent_span_id"),
    name: text("name").notNull(),
    service: text("service").notNull(),
    // OpenTelemetry's SpanKind: 0 internal, 1 server, 2 client, 3 producer, 4 consumer.
    kind: smallint("kind").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true, precision: 6 }).notNull(),
    endedAt: timestamp("ended_at", { withTimezone: true, precision: 6 }).notNull(),
    // 2 is an error (SpanStatusCode); then `error` says what.
    status: smallint("status").notNull().default(0),
    error: text("error"),
    attributes: jsonb("attributes").$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    links: jsonb("links").$type<{ trace_id: string; span_id: string }[]>().notNull().default(sql`'[]'::jsonb`),
  },
  // Decision 042: no primary key (each span is inserted once, by the one process that ended it),
  // one btree to find a trace and a BRIN on started_at (rows arrive in time order) for the
  // prune; the table is UNLOGGED (migration 0015, which drizzle's schema cannot say).
  (t) => [index("trace_spans_trace_idx").on(t.traceId), index("trace_spans_started_idx").using("brin", t.startedAt)],
);

export type TraceSpan = typeof traceSpans.$inferSelect;
