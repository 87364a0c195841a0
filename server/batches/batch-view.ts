import "server-only";
import type { DbOrTx } from "@/server/db/client";

/**
 * The batch as GET /api/batches/{id} returns it (CONTRACT §9), or undefined when there is no
 * such batch. SIGNATURE ONLY on the webhooks branch: the batches branch owns this file and its
 * real body; outbound webhooks (server/webhooks/build-message-body.ts) build `batch.completed`
 * deliveries through it. Until that branch is merged there are no batches, so none is found.
 */
export async function loadBatchView(_db: DbOrTx, _batchId: string): Promise<Record<string, unknown> | undefined> {
  return undefined;
}
