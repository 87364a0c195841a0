import "server-only";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";

/**
 * Emits `batch.completed` to the owner's enabled endpoints subscribed to it, in the caller's
 * transaction (the one that marks the batch completed): one message and its first delivery
 * job per endpoint, both gone if the transaction rolls back (migration 0011's webhook_emit,
 * the function order events go through too). The body is built at the first attempt from
 * loadBatchView (server/batches/batch-view.ts), so `data` is the batch as
 * GET /api/batches/{id} returns it.
 */
export async function emitBatchCompleted(tx: DbOrTx, batch: { id: string; shopperId: string }): Promise<void> {
  await tx.execute(sql`SELECT webhook_emit(${batch.shopperId}, 'batch.completed', NULL, NULL, ${batch.id})`);
}
