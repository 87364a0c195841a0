import "server-only";
import { sql } from "drizzle-orm";
import type { FinalStatus } from "@/lib/order-state";
import type { Transaction } from "@/server/db/client";
import { emitBatchCompleted } from "@/server/webhooks/emit-batch-completed";

/** Which counter of `batches` a final status (or a rejected line) adds to. */
type Counter = "rejected_lines" | "shipped_orders" | "failed_orders" | "cancelled_orders";

const COUNTER_OF: Record<FinalStatus, Counter> = {
  shipped: "shipped_orders",
  payment_failed: "failed_orders",
  rejected: "failed_orders",
  cancelled: "cancelled_orders",
};

/** One of the batch's orders became final, in `tx` (the state machine calls this). */
export function countBatchOrderFinal(tx: Transaction, batchId: string, status: FinalStatus): Promise<void> {
  return countBatchProgress(tx, batchId, COUNTER_OF[status], 1);
}

/** `lines` of the batch were rejected while it was being placed (e.g. a SKU gone from the catalog). */
export function countBatchLinesRejected(tx: Transaction, batchId: string, lines: number): Promise<void> {
  return countBatchProgress(tx, batchId, "rejected_lines", lines);
}

/**
 * Adds to one counter and, when every line is now rejected or final, marks the batch
 * completed and emits `batch.completed` — in the transaction that made the last line final
 * (docs/decisions/033-batches.md). The UPDATE takes the batch row's lock, so two transactions
 * finishing the last two orders at once are serialised: the second reads the first's count,
 * and exactly one of them sees the total reached. Each order becomes final once (final
 * statuses have no way out, and the state machine's move is conditional), so the counts are
 * exact. A cancelled batch keeps counting and never completes.
 */
async function countBatchProgress(tx: Transaction, batchId: string, counter: Counter, by: number): Promise<void> {
  const column = sql.raw(counter);
  const { rows } = await tx.execute<{ shopper_id: string; completed_now: boolean }>(sql`
    UPDATE batches SET
      ${column} = ${column} + ${by},
      status = CASE WHEN status = 'in_progress' AND rejected_lines + shipped_orders + failed_orders + cancelled_orders + ${by} = total_lines
                    THEN 'completed' ELSE status END,
      completed_at = CASE WHEN status = 'in_progress' AND rejected_lines + shipped_orders + failed_orders + cancelled_orders + ${by} = total_lines
                    THEN now() ELSE completed_at END
    WHERE id = ${batchId}
    RETURNING shopper_id,
      -- The counts only grow and stop at the total, so "completed and at the total" holds
      -- after exactly one update: the one that got there.
      (status = 'completed' AND rejected_lines + shipped_orders + failed_orders + cancelled_orders = total_lines) AS completed_now`);
  const row = rows[0];
  if (row?.completed_now) await emitBatchCompleted(tx, { id: batchId, shopperId: row.shopper_id });
}
