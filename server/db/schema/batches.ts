import { sql } from "drizzle-orm";
import { check, index, integer, json, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { orders } from "./orders";
import { shoppers } from "./shoppers";

export const BATCH_STATUSES = ["in_progress", "completed", "cancelled"] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

/**
 * One uploaded NDJSON file of orders (CONTRACT §9, docs/decisions/033-batches.md). The
 * counters are kept exact by the transaction that makes one of the batch's orders final
 * (server/batches/count-batch-order-final.ts, called by the state machine) and by the one
 * that rejects a line, so GET reads one row and `completed` is decided under the row's lock,
 * exactly once. `open` is what is left: total − rejected − shipped − failed − cancelled.
 * Idempotency-Key: (shopper, key) unique while the batch exists, the batch row being its own
 * stored answer (a replay answers the batch as it is now, like a status URL).
 */
export const batches = pgTable(
  "batches",
  {
    id: text("id").primaryKey(),
    shopperId: text("shopper_id")
      .notNull()
      .references(() => shoppers.id, { onDelete: "cascade" }),
    status: text("status", { enum: BATCH_STATUSES }).notNull().default("in_progress"),
    totalLines: integer("total_lines").notNull(),
    rejectedLines: integer("rejected_lines").notNull().default(0),
    shippedOrders: integer("shipped_orders").notNull().default(0),
    failedOrders: integer("failed_orders").notNull().default(0),
    cancelledOrders: integer("cancelled_orders").notNull().default(0),
    idempotencyKey: text("idempotency_key"),
    requestHash: text("request_hash"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp("completed_at", { withTimezone: true }),
  },
  (t) => [
    index("batches_shopper_created_idx").on(t.shopperId, t.createdAt.desc(), t.id.desc()),
    uniqueIndex("batches_shopper_key_idx")
      .on(t.shopperId, t.idempotencyKey)
      .where(sql`${t.idempotencyKey} IS NOT NULL`),
    check("batches_counts_within_total", sql`${t.rejectedLines} + ${t.shippedOrders} + ${t.failedOrders} + ${t.cancelledOrders} <= ${t.totalLines}`),
  ],
);

export type Batch = typeof batches.$inferSelect;

/**
 * One line of a batch, in input order. `body` is the order as parsed (null when the line is
 * not JSON); a rejected line carries the error POST /api/orders would have answered; a placed
 * one its order, set in the same transaction that inserted the order, which is what makes a
 * rerun of the placing job skip it.
 */
export const batchLines = pgTable(
  "batch_lines",
  {
    batchId: text("batch_id")
      .notNull()
      .references(() => batches.id, { onDelete: "cascade" }),
    lineNo: integer("line_no").notNull(),
    reference: text("reference"),
    body: json("body").$type<Record<string, unknown>>(),
    orderId: text("order_id").references(() => orders.id, { onDelete: "set null" }),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    errorDetails: json("error_details"),
  },
  (t) => [
    primaryKey({ columns: [t.batchId, t.lineNo] }),
    // The placing job's next lines: still to place, in input order.
    index("batch_lines_unplaced_idx")
      .on(t.batchId, t.lineNo)
      .where(sql`${t.orderId} IS NULL AND ${t.errorCode} IS NULL`),
  ],
);

export type BatchLine = typeof batchLines.$inferSelect;
