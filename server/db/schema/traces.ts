import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, primaryKey, smallint, text, timestamp } from "drizzle-orm/pg-core";

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
  (t) => [primaryKey({ columns: [t.traceId, t.spanId] }), index("trace_spans_started_idx").on(t.startedAt)],
);

export type TraceSpan = typeof traceSpans.$inferSelect;
