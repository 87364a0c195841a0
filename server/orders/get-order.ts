import "server-only";
import { and, eq } from "drizzle-orm";
import { ORDER_ID_PATTERN } from "@/lib/contract";
import type { DbOrTx } from "@/server/db/client";
import { orders, type Order } from "@/server/db/schema";
import { notFound } from "@/server/errors";
import { loadOrderViews, type OrderView } from "./order-view";

/**
 * The order row if it belongs to the shopper. Someone else's order is "not found", exactly
 * like one that does not exist: existence is never revealed.
 */
export async function findShoppersOrder(db: DbOrTx, shopperId: string, orderId: string): Promise<Order> {
  if (!ORDER_ID_PATTERN.test(orderId)) throw notFound(`No order ${orderId}.`);
  const [order] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.id, orderId), eq(orders.shopperId, shopperId)));
  if (!order) throw notFound(`No order ${orderId}.`);
  return order;
}

/** One of the shopper's orders, in its public shape. */
export async function getOrder(db: DbOrTx, shopperId: string, orderId: string): Promise<OrderView> {
  const [view] = await loadOrderViews(db, [await findShoppersOrder(db, shopperId, orderId)]);
  return view!;
}
