import { sql } from "drizzle-orm";
import { bigserial, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { ORDER_STATUSES, PAYMENT_STATES, STOCK_STATES } from "@/lib/order-state";
import { products } from "./catalog";
import { shoppers } from "./shoppers";

// The fact value lists and their rules live in lib/order-state.ts; re-exported for the server's schema importers.
export { PAYMENT_STATES, STOCK_STATES, type PaymentState, type StockState } from "@/lib/order-state";

export const orders = pgTable(
  "orders",
  {
    id: text("id").primaryKey(),
    // Arrival order: newest-first listing, keyset cursors and back-order resumption use it.
    seq: bigserial("seq", { mode: "number" }).notNull().unique(),
    shopperId: text("shopper_id")
      .notNull()
      .references(() => shoppers.id),
    status: text("status", { enum: ORDER_STATUSES }).notNull().default("pending"),
    // The two parallel branches of the pipeline keep their own facts; `status` is derived from
    // them by the state machine. Fulfilment starts when payment is completed AND stock reserved.
    paymentState: text("payment_state", { enum: PAYMENT_STATES }).notNull().default("none"),
    stockState: text("stock_state", { enum: STOCK_STATES }).notNull().default("none"),
    paymentMethod: text("payment_method").notNull(),
    totalCents: integer("total_cents").notNull(),
    currency: text("currency").notNull().default("USD"),
    tracking: text("tracking"),
    failureReason: text("failure_reason"),
    // Set when the admin lab placed the order (its run's shopper): kept out of shop figures.
    labRunId: text("lab_run_id"),
    // Set when a batch placed the order (server/batches/): the state machine counts the
    // batch's progress from the row it already returns, at no extra read. No index: every
    // read by batch goes through batch_lines (its primary key), and the counts are counters.
    batchId: text("batch_id"),
    // The W3C traceparent of the order's intake span (decision 034): every job, webhook and SSE
    // push of the order continues this trace. Null for orders placed before tracing existed.
    traceParent: text("trace_parent"),
    // The spans in which each branch of the join finished (payment completed, stock reserved):
    // the invoice step, which starts once both have, links to both (decision 035).
    paymentTraceParent: text("payment_trace_parent"),
    stockTraceParent: text("stock_trace_parent"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("orders_shopper_seq_idx").on(t.shopperId, t.seq.desc()),
    index("orders_backordered_idx").on(t.seq).where(sql`${t.status} = 'backordered'`),
    index("orders_status_idx").on(t.status),
    // Admin overview and order search (decision 018): shop orders only, newest first.
    index("orders_shop_seq_idx").on(t.seq.desc()).where(sql`${t.labRunId} IS NULL`),
    index("orders_shop_status_seq_idx").on(t.status, t.seq.desc()).where(sql`${t.labRunId} IS NULL`),
    index("orders_created_idx").on(t.createdAt),
    index("orders_tracking_idx").on(t.tracking).where(sql`${t.tracking} IS NOT NULL`),
    index("orders_lab_run_idx").on(t.labRunId).where(sql`${t.labRunId} IS NOT NULL`),
    check("orders_total_nonnegative", sql`${t.totalCents} >= 0`),
  ],
);

export type Order = typeof orders.$inferSelect;

export const orderLines = pgTable(
  "order_lines",
  {
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    lineNo: integer("line_no").notNull(),
    sku: text("sku")
      .notNull()
      .references(() => products.sku),
    name: text("name").notNull(),
    quantity: integer("quantity").notNull(),
    unitPriceCents: integer("unit_price_cents").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.lineNo] }), check("order_lines_quantity_positive", sql`${t.quantity} > 0`)],
);

export type OrderLine = typeof orderLines.$inferSelect;

/**
 * Append-only log of every status change. The timeline, the SSE stream and Last-Event-ID
 * replay are all read from here; an AFTER INSERT trigger (migration 0001) NOTIFYs
 * `order_events` so every web process can push the change without polling.
 */
export const orderEvents = pgTable(
  "order_events",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    id: text("id").notNull().unique(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    status: text("status", { enum: ORDER_STATUSES }).notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().default(sql`clock_timestamp()`),
  },
  (t) => [
    index("order_events_order_seq_idx").on(t.orderId, t.seq),
    // Throughput and latency over a time window (admin overview).
    index("order_events_status_created_idx").on(t.status, t.createdAt),
  ],
);

export type OrderEvent = typeof orderEvents.$inferSelect;
