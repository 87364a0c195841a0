import "server-only";
import { eq } from "drizzle-orm";
import type { Database, Transaction } from "@/server/db/client";
import { orders, shoppers } from "@/server/db/schema";

/** The order and its shopper's address; `lock` takes the order's row lock (inside a transaction). */
export async function loadOrderWithEmail(db: Database | Transaction, orderId: string, options: { lock?: boolean } = {}) {
  const query = db.select({ order: orders, email: shoppers.email }).from(orders).innerJoin(shoppers, eq(shoppers.id, orders.shopperId)).where(eq(orders.id, orderId));
  const [row] = options.lock ? await query.for("update", { of: orders }) : await query;
  return row;
}
