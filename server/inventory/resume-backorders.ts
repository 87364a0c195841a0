import "server-only";
import { and, asc, eq, exists, gt } from "drizzle-orm";
import type { Database } from "@/server/db/client";
import { orderLines, orders } from "@/server/db/schema";
import type { StepQueue } from "@/server/pipeline/step-queue";
import { retryBackorderedOrder } from "./reserve-stock";

/**
 * After a restock of `sku`, back-ordered orders that contain it get their stock in arrival
 * order. The pass stops at the first order still short of this SKU, so a later, smaller
 * order never jumps ahead of an earlier one for the same goods; an order short of some
 * other SKU is skipped (it is waiting on a different restock). It reads the queue one order
 * at a time, so orders that back-order while it runs are served in the same pass.
 */
export async function resumeBackorders(db: Database, queue: StepQueue, sku: string): Promise<{ resumed: string[] }> {
  const resumed: string[] = [];
  let afterSeq = 0;
  for (;;) {
    const [next] = await db
      .select({ id: orders.id, seq: orders.seq })
      .from(orders)
      .where(
        and(
          eq(orders.status, "backordered"),
          gt(orders.seq, afterSeq),
          exists(db.select().from(orderLines).where(and(eq(orderLines.orderId, orders.id), eq(orderLines.sku, sku)))),
        ),
      )
      .orderBy(asc(orders.seq))
      .limit(1);
    if (!next) break;
    afterSeq = next.seq;
    const outcome = await db.transaction((tx) => retryBackorderedOrder(tx, queue, next.id));
    if (outcome.reserved) resumed.push(next.id);
    else if (outcome.shortSku === sku) break;
  }
  return { resumed };
}
