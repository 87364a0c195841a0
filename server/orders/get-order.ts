import "server-only";
import { and, eq } from "drizzle-orm";
import { ORDER_ID_PATTERN } from "@/lib/contract";
import type { DbOrTx } from "@/server/db/client";
import { orders } from "@/server/db/schema";
import { notFound } from "@/server/errors";
import { loadOrderViews, type OrderView } from "./order-view";

/** One of the shopper's orders. Someone else's order is "not found": existence is never revealed. */
export async function getOrder(db: DbOrTx, shopperId: string, orderId: string): Promise<OrderView> {
  if (!ORDER_ID_PATTERN.test(orderId)) throw notFound(`No order ${orderId}.`);
  const rows = await db
    .select()
    .from(orders)
    .where(and(eq(orders.id, orderId), eq(orders.shopperId, shopperId)));
  const [view] = await loadOrderViews(db, rows);
  if (!view) throw notFound(`No order ${orderId}.`);
  return view;
}
