import { check, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { products } from "./catalog";
import { shoppers } from "./shoppers";

/** The cart lives on the server, one row per (shopper, SKU): it survives reloads and sign-in. */
export const cartLines = pgTable(
  "cart_lines",
  {
    shopperId: text("shopper_id")
      .notNull()
      .references(() => shoppers.id, { onDelete: "cascade" }),
    sku: text("sku")
      .notNull()
      .references(() => products.sku),
    quantity: integer("quantity").notNull(),
    addedAt: timestamp("added_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.shopperId, t.sku] }), check("cart_lines_quantity_positive", sql`${t.quantity} > 0`)],
);

export type CartLine = typeof cartLines.$inferSelect;
