import "server-only";
import type { DbOrTx } from "@/server/db/client";

/**
 * `batch.completed` to the batch owner's endpoints (CONTRACT §8), called in the transaction
 * that marks the batch completed, so the message exists exactly when the completion committed.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the webhooks branch's implementation uses both
export async function emitBatchCompleted(tx: DbOrTx, batch: { id: string; shopperId: string }): Promise<void> {
  // The webhooks branch implements this (its deliveries enqueued in `tx`); the batches branch only calls it.
}
