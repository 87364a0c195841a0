import "server-only";
import { eq } from "drizzle-orm";
import type { Database, Transaction } from "@/server/db/client";
import { orders, shoppers } from "@/server/db/schema";

/**
 * The order and its shopper's address, for the notices. (The confirmation reads the same
 * with the invoice number and the row lock, in its own one statement: send-confirmation.ts.)
 */
export async function loadOrderWithEmail(db: Database | Transaction, orderId: string) {
  const [row] = await db.select({ order: orders, email: shoppers.email }).from(orders).innerJoin(shoppers, eq(shoppers.id, orders.shopperId)).where(eq(orders.id, orderId));
  return row;
}
