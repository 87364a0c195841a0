import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Transaction } from "@/server/db/client";
import { orderLines, orders, products } from "@/server/db/schema";

/**
 * Compensation: gives a failed or cancelled order's reserved stock back. The conditional
 * flip of `stock_state` from `reserved` makes it happen exactly once, however many
 * failure events, cancels or retries arrive. A back-ordered order held nothing.
 */
export async function releaseOrderStock(tx: Transaction, orderId: string): Promise<boolean> {
  const [released] = await tx
    .update(orders)
    .set({ stockState: "released", updatedAt: sql`now()` })
    .where(and(eq(orders.id, orderId), eq(orders.stockState, "reserved")))
    .returning({ id: orders.id });
  if (!released) {
    await tx
      .update(orders)
      .set({ stockState: "released" })
      .where(and(eq(orders.id, orderId), eq(orders.stockState, "backordered")));
    return false;
  }
  const lines = await tx.select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(orderLines.sku);
  for (const line of lines) {
    await tx
      .update(products)
      .set({ stock: sql`${products.stock} + ${line.quantity}`, updatedAt: sql`now()` })
      .where(eq(products.sku, line.sku));
  }
  return true;
}
