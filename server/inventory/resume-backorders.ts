import "server-only";
import { and, asc, eq, exists } from "drizzle-orm";
import type { JobSender } from "@/jobs/boss";
import type { Database } from "@/server/db/client";
import { orderLines, orders } from "@/server/db/schema";
import { retryBackorderedOrder } from "./reserve-order-stock";

/**
 * After a restock of `sku`, back-ordered orders that contain it get their stock in arrival
 * order. The pass stops at the first order still short of this SKU, so a later, smaller
 * order never jumps ahead of an earlier one for the same goods; an order short of some
 * other SKU is skipped (it is waiting on a different restock).
 */
export async function resumeBackorders(db: Database, boss: JobSender, sku: string): Promise<{ resumed: string[] }> {
  const waiting = await db
    .select({ id: orders.id })
    .from(orders)
    .where(
      and(
        eq(orders.status, "backordered"),
        exists(db.select().from(orderLines).where(and(eq(orderLines.orderId, orders.id), eq(orderLines.sku, sku)))),
      ),
    )
    .orderBy(asc(orders.seq));
  const resumed: string[] = [];
  for (const { id } of waiting) {
    const outcome = await db.transaction((tx) => retryBackorderedOrder(tx, boss, id));
    if (outcome.reserved) resumed.push(id);
    else if (outcome.shortSku === sku) break;
  }
  return { resumed };
}
