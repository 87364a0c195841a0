import { integer, pgTable, primaryKey, smallint, text, timestamp } from "drizzle-orm/pg-core";

/*
 * What the admin overview reads instead of the history (decision 018). All three tables are
 * written by triggers in the same transaction as the change they count (migration
 * 0006_admin_rollups), so they are exact by construction: a rolled-back or crashed
 * transaction leaves no trace, and a re-run transition that changes nothing counts nothing.
 * Writers spread over `shard` (1 + backend pid % 16) so concurrent transactions do not queue
 * on one hot row; shard 0 holds minutes already folded together by `admin_fold_rollups()`.
 * Lab orders are left out, as everywhere in the shop's figures.
 */

/** Shop orders per status: the sum over shards is the exact count. */
export const adminStatusCounts = pgTable(
  "admin_status_counts",
  {
    status: text("status").notNull(),
    shard: smallint("shard").notNull(),
    orders: integer("orders").notNull(),
  },
  (t) => [primaryKey({ columns: [t.status, t.shard] })],
);

/**
 * Per minute: orders accepted, orders confirmed, and the accept→confirmed latency as a
 * fixed log-spaced histogram (server/admin/latency-histogram.ts, mirrored by the SQL
 * function admin_latency_bucket).
 */
export const adminOrderMinutes = pgTable(
  "admin_order_minutes",
  {
    minute: timestamp("minute", { withTimezone: true }).notNull(),
    shard: smallint("shard").notNull(),
    accepted: integer("accepted").notNull(),
    confirmed: integer("confirmed").notNull(),
    confirmHist: integer("confirm_hist").array().notNull(),
  },
  (t) => [primaryKey({ columns: [t.minute, t.shard] })],
);

/**
 * Per queue: job attempts finished, failures, and queue-wait / run-time histograms, kept at
 * two spans — per minute and per hour — so that any window reads at most two partial hours of
 * minute rows plus its whole hours (about 144 rows per queue for 24 h, not 1,440).
 */
export const adminStepRollups = pgTable(
  "admin_step_rollups",
  {
    spanMinutes: smallint("span_minutes").notNull(),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    queue: text("queue").notNull(),
    shard: smallint("shard").notNull(),
    attempts: integer("attempts").notNull(),
    failed: integer("failed").notNull(),
    waitHist: integer("wait_hist").array().notNull(),
    runHist: integer("run_hist").array().notNull(),
  },
  (t) => [primaryKey({ columns: [t.spanMinutes, t.startsAt, t.queue, t.shard] })],
);
