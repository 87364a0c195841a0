import "server-only";
import { eq } from "drizzle-orm";
import type { BatchView } from "@/lib/contract";
import type { DbOrTx } from "@/server/db/client";
import { batches, type Batch } from "@/server/db/schema";

export function batchStatusUrl(batchId: string): string {
  return `/api/batches/${batchId}`;
}

/** The public shape of a batch row (GET /api/batches/{id}); `open` is every line not yet rejected or final. */
export function toBatchView(batch: Batch): BatchView {
  const final = batch.rejectedLines + batch.shippedOrders + batch.failedOrders + batch.cancelledOrders;
  return {
    batch_id: batch.id,
    status: batch.status,
    created_at: batch.createdAt.toISOString(),
    ...(batch.completedAt ? { completed_at: batch.completedAt.toISOString() } : {}),
    counts: {
      total: batch.totalLines,
      rejected: batch.rejectedLines,
      open: batch.totalLines - final,
      shipped: batch.shippedOrders,
      failed: batch.failedOrders,
      cancelled: batch.cancelledOrders,
    },
    results_url: `${batchStatusUrl(batch.id)}/results`,
  };
}

/** The GET body of one batch, whoever owns it (callers check the owner), or null. One row: the counts are kept on it. */
export async function loadBatchView(db: DbOrTx, batchId: string): Promise<BatchView | null> {
  const [batch] = await db.select().from(batches).where(eq(batches.id, batchId));
  return batch ? toBatchView(batch) : null;
}

