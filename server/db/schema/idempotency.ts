import { integer, json, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { shoppers } from "./shoppers";

/**
 * One row per (shopper, Idempotency-Key). The row is written in the same transaction as the
 * order, so a key never exists without its order. `responseBody` is the response to replay;
 * `lockedUntil` marks a request still answering (a `Prefer: wait` in progress) → 409.
 * `preferenceApplied` is replayed as the `Preference-Applied` header.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    shopperId: text("shopper_id")
      .notNull()
      .references(() => shoppers.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    orderId: text("order_id").notNull(),
    responseStatus: integer("response_status").notNull(),
    // json, not jsonb: it keeps the text as written, so a replay is byte-for-byte the original.
    responseBody: json("response_body").$type<Record<string, unknown>>().notNull(),
    preferenceApplied: text("preference_applied"),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.shopperId, t.key] })],
);

export type IdempotencyKey = typeof idempotencyKeys.$inferSelect;
