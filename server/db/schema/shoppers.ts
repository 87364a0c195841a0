import { boolean, index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * One row per shopper, whether they arrive with an API key or a browser session. It is also
 * better-auth's `user` model (server/auth/auth.ts), so the JS property names below are the
 * library's field names: guests (`isAnonymous`) and roles/bans (admin plugin) live here, and
 * ids stay `usr_…` for both.
 */
export const shoppers = pgTable("shoppers", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  name: text("name").notNull().default(""),
  emailVerified: boolean("email_verified").notNull().default(false),
  image: text("image"),
  isAnonymous: boolean("is_anonymous").notNull().default(false),
  role: text("role", { enum: ["shopper", "admin"] }).notNull().default("shopper"),
  banned: boolean("banned").notNull().default(false),
  banReason: text("ban_reason"),
  banExpires: timestamp("ban_expires", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type Shopper = typeof shoppers.$inferSelect;

/**
 * API keys are stored as SHA-256 hashes; the plain key is shown once, when created. A key
 * stops working once revoked or past `expiresAt` (null: never expires); `lastUsedAt` is
 * refreshed at most once a minute (server/auth/api-keys.ts).
 */
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
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  },
  (t) => [index("api_keys_shopper_idx").on(t.shopperId)],
);

export type ApiKey = typeof apiKeys.$inferSelect;
