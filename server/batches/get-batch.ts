import "server-only";
import { and, eq } from "drizzle-orm";
import { BATCH_ID_PATTERN, type BatchView } from "@/lib/contract";
import type { DbOrTx } from "@/server/db/client";
import { batches, type Batch } from "@/server/db/schema";
import { notFound } from "@/server/errors";
import { toBatchView } from "./batch-view";

/** The caller's batch row, or 404 — also for another owner's batch, so ids cannot be probed. */
export async function findShoppersBatch(db: DbOrTx, shopperId: string, batchId: string): Promise<Batch> {
  if (!BATCH_ID_PATTERN.test(batchId)) throw notFound(`No batch ${batchId}.`);
  const [batch] = await db
    .select()
    .from(batches)
    .where(and(eq(batches.id, batchId), eq(batches.shopperId, shopperId)));
  if (!batch) throw notFound(`No batch ${batchId}.`);
  return batch;
}

/** GET /api/batches/{id}. */
export async function getBatch(db: DbOrTx, shopperId: string, batchId: string): Promise<BatchView> {
  return toBatchView(await findShoppersBatch(db, shopperId, batchId));
}
