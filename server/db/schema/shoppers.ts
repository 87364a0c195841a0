import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const shoppers = pgTable("shoppers", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  name: text("name").notNull().default(""),
  role: text("role", { enum: ["shopper", "admin"] }).notNull().default("shopper"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export type Shopper = typeof shoppers.$inferSelect;

/** API keys are stored as SHA-256 hashes; the plain key is shown once, when created. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    shopperId: text("shopper_id")
      .notNull()
      .references(() => shoppers.id, { onDelete: "cascade" }),
    keyHash: text("key_hash").notNull().unique(),
    prefix: text("prefix").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("api_keys_shopper_idx").on(t.shopperId)],
);

export type ApiKey = typeof apiKeys.$inferSelect;
