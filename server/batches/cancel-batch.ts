import "server-only";
import { and, eq, notInArray, sql } from "drizzle-orm";
import { FINAL_STATUSES } from "@/lib/order-state";
import type { BatchView } from "@/lib/contract";
import type { Database } from "@/server/db/client";
import { batchLines, batches, orders } from "@/server/db/schema";
import { AppError, conflict } from "@/server/errors";
import { cancelOrder } from "@/server/orders/cancel-order";
import type { StepQueue } from "@/server/pipeline/step-queue";
import { toBatchView } from "./batch-view";
import { recountBatch } from "./check-batch-progress";
import { lockBatch } from "./lock-batch";
import { findShoppersBatch } from "./get-batch";

/** Orders cancelled per read of the batch's open orders: bounded memory for a 10,000-line batch. */
const PAGE = 500;

/**
 * POST /api/batches/{id}/cancel. First the batch becomes `cancelled`, which stops the placing
 * job: its next chunk sees it (the chunk in flight holds the batch's lock, so this waits for
 * it and then sees its orders). Then every order of the batch that is not final is cancelled by
 * the cancel of POST /api/orders/{id}/cancel (stock back, money voided or refunded, the
 * shopper told), each in its own transaction; one that ships meanwhile is left as it is.
 * Cancelling a cancelled batch cancels what may remain and answers it again; a completed one is
 * a conflict (all its orders are final).
 */
export async function cancelBatch(db: Database, queue: StepQueue, shopperId: string, batchId: string): Promise<BatchView> {
  const batch = await findShoppersBatch(db, shopperId, batchId);
  if (batch.status === "completed") throw conflict("batch_not_cancellable", `Batch ${batchId} is completed: every order of it is final.`);
  await db.transaction(async (tx) => {
    await lockBatch(tx, batchId);
    await tx.update(batches).set({ status: "cancelled" }).where(and(eq(batches.id, batchId), eq(batches.status, "in_progress")));
  });
  let after = 0;
  for (;;) {
    const open = await db
      .select({ lineNo: batchLines.lineNo, orderId: orders.id })
      .from(batchLines)
      .innerJoin(orders, eq(orders.id, batchLines.orderId))
      .where(and(eq(batchLines.batchId, batchId), sql`${batchLines.lineNo} > ${after}`, notInArray(orders.status, [...FINAL_STATUSES])))
      .orderBy(batchLines.lineNo)
      .limit(PAGE);
    for (const { orderId } of open) await cancelIfStillOpen(db, queue, shopperId, orderId);
    if (open.length < PAGE) break;
    after = open[open.length - 1]!.lineNo;
  }
  // The progress check stops with the batch: the counts the answer carries are recounted here.
  await db.transaction((tx) => recountBatch(tx, batchId));
  const [current] = await db.select().from(batches).where(eq(batches.id, batchId));
  return toBatchView(current!);
}

/** An order that became final since it was read (shipped, failed) is not the cancel's to change. */
async function cancelIfStillOpen(db: Database, queue: StepQueue, shopperId: string, orderId: string): Promise<void> {
  try {
    await cancelOrder(db, queue, shopperId, orderId);
  } catch (err) {
    if (!(err instanceof AppError && err.code === "order_not_cancellable")) throw err;
  }
}
