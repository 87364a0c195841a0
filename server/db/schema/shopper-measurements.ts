import { sql } from "drizzle-orm";
import { bigserial, check, index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * What shoppers' browsers measured and reported by beacon (decision 035, POST /api/beacons):
 * one row per measurement, kept RUM_RETENTION_DAYS and pruned by the hourly maintenance. No
 * shopper, session, order, address or user agent is stored: a row says which page, which
 * metric, how the page was kept current (sse or polling) when it was taken, and the figure.
 */
export const shopperMeasurements = pgTable(
  "shopper_measurements",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    // A route template ("/checkout", "/orders", "/orders/[id]"), never a URL with ids.
    page: text("page").notNull(),
    // optimistic_row, server_answer, status.<name>, inp, page_view (lib/shopper-beacons.ts).
    metric: text("metric").notNull(),
    // "sse" or "polling": how live statuses reached the page when the figure was taken; null when it does not apply.
    transport: text("transport"),
    valueMs: integer("value_ms").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("shopper_measurements_created_idx").on(t.createdAt), check("shopper_measurements_value_nonnegative", sql`${t.valueMs} >= 0`)],
);

export type ShopperMeasurement = typeof shopperMeasurements.$inferSelect;
