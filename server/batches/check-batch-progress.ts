import "server-only";
import { sql } from "drizzle-orm";
import type { Database, Transaction } from "@/server/db/client";
import { emitBatchCompleted } from "@/server/webhooks/emit-batch-completed";
import type { BatchCheck, BatchJobs } from "./batch-jobs";

/** Seconds between checks while the counts move; the back-off doubles from there while they do not, up to the cap. */
export const CHECK_EVERY_SECONDS = 1;
export const CHECK_AT_MOST_EVERY_SECONDS = 30;

type Counts = { rejected: number; shipped: number; failed: number; cancelled: number };

/**
 * Counts a batch's lines by outcome (one read: its lines joined to their orders by primary
 * key) and writes the counts on the batch row, only ever upwards (a final status has no way
 * out, so a count never falls; an older read running late cannot lower a newer one). The
 * row's trigger NOTIFYs, which is what the progress streams wait on. Used by the check job and
 * by cancel.
 */
export async function recountBatch(tx: Transaction, batchId: string): Promise<{ changed: boolean }> {
  const { rows } = await tx.execute<Counts>(sql`
    SELECT count(*) FILTER (WHERE bl.error_code IS NOT NULL)::int AS rejected,
           count(*) FILTER (WHERE o.status = 'shipped')::int AS shipped,
           count(*) FILTER (WHERE o.status IN ('payment_failed', 'rejected'))::int AS failed,
           count(*) FILTER (WHERE o.status = 'cancelled')::int AS cancelled
    FROM batch_lines bl LEFT JOIN orders o ON o.id = bl.order_id
    WHERE bl.batch_id = ${batchId}`);
  const c = rows[0]!;
  const { rows: updated } = await tx.execute(sql`
    UPDATE batches SET
      rejected_lines = GREATEST(rejected_lines, ${c.rejected}),
      shipped_orders = GREATEST(shipped_orders, ${c.shipped}),
      failed_orders = GREATEST(failed_orders, ${c.failed}),
      cancelled_orders = GREATEST(cancelled_orders, ${c.cancelled})
    WHERE id = ${batchId}
      AND (rejected_lines, shipped_orders, failed_orders, cancelled_orders) IS DISTINCT FROM
          (GREATEST(rejected_lines, ${c.rejected}), GREATEST(shipped_orders, ${c.shipped}), GREATEST(failed_orders, ${c.failed}), GREATEST(cancelled_orders, ${c.cancelled}))
    RETURNING id`);
  return { changed: updated.length > 0 };
}

/**
 * The batch's progress check (docs/decisions/033-batches.md): recounts, and once every line is
 * rejected or its order final marks the batch completed and emits `batch.completed`, both in
 * this one transaction; the UPDATE is conditional on `in_progress`, so however often the job
 * runs (at-least-once, or two rounds at once) the batch completes and is announced exactly
 * once. Otherwise it schedules its next round in the same transaction: a second from now while
 * the counts move, backing off to CHECK_AT_MOST_EVERY_SECONDS while they do not (an order
 * waiting days for stock costs a check every half minute). It ends with the batch: completed,
 * or cancelled (cancel recounts for itself). Order transitions never touch the batch row, so a
 * batch adds no lock to the order pipeline's hot path.
 */
export async function checkBatchProgress(db: Database, jobs: BatchJobs, check: BatchCheck): Promise<{ status: string }> {
  return db.transaction(async (tx) => {
    const { changed } = await recountBatch(tx, check.batchId);
    const { rows: completed } = await tx.execute<{ shopper_id: string }>(sql`
      UPDATE batches SET status = 'completed', completed_at = now()
      WHERE id = ${check.batchId} AND status = 'in_progress'
        AND rejected_lines + shipped_orders + failed_orders + cancelled_orders = total_lines
      RETURNING shopper_id`);
    if (completed[0]) {
      await emitBatchCompleted(tx, { id: check.batchId, shopperId: completed[0].shopper_id });
      return { status: "completed" };
    }
    const { rows } = await tx.execute<{ status: string }>(sql`SELECT status FROM batches WHERE id = ${check.batchId}`);
    const status = rows[0]?.status ?? "gone";
    if (status !== "in_progress") return { status };
    const quietRounds = changed ? 0 : check.quietRounds + 1;
    const delay = Math.min(CHECK_AT_MOST_EVERY_SECONDS, CHECK_EVERY_SECONDS * 2 ** quietRounds);
    await jobs.scheduleCheck(tx, { batchId: check.batchId, round: check.round + 1, quietRounds }, delay);
    return { status };
  });
}
