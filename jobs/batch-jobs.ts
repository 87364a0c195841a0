import "server-only";
import type { BatchJobs } from "@/server/batches/batch-jobs";
import { enqueueInTx, type JobSender } from "./boss";
import { BATCH_QUEUE, type BatchPlacementJob } from "./queues";

/** The batches' port (server/batches/batch-jobs.ts) over pg-boss: the placing job, in the caller's transaction, one per batch. */
export function pgBossBatchJobs(boss: JobSender): BatchJobs {
  return {
    async enqueuePlacement(tx, batchId) {
      const job: BatchPlacementJob = { batchId };
      await enqueueInTx(boss, tx, BATCH_QUEUE, job, batchId);
    },
  };
}
