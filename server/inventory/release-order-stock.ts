import "server-only";
import { eq, sql } from "drizzle-orm";
import type { Transaction } from "@/server/db/client";
import { orderLines, products } from "@/server/db/schema";
import { recordStockFact } from "@/server/orders/order-state-machine";

/**
 * Compensation: gives a failed or cancelled order's reserved stock back. The conditional
 * flip of `stock_state` from `reserved` (state machine) makes it happen exactly once, however
 * many failure events, cancels or retries arrive. A back-ordered order held nothing.
 */
export async function releaseOrderStock(tx: Transaction, orderId: string): Promise<boolean> {
  if (!(await recordStockFact(tx, orderId, "released", ["reserved"]))) {
    await recordStockFact(tx, orderId, "released", ["backordered"]);
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
