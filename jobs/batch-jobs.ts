import "server-only";
import type { BatchCheck, BatchJobs } from "@/server/batches/batch-jobs";
import { jobTraceFields } from "@/server/telemetry/spans";
import { enqueueInTx, type JobSender } from "./boss";
import { BATCH_CHECK_QUEUE, BATCH_QUEUE, type BatchPlacementJob } from "./queues";

/** The batches' port (server/batches/batch-jobs.ts) over pg-boss: its jobs, in the caller's transaction, one per (batch, round). */
export function pgBossBatchJobs(boss: JobSender): BatchJobs {
  return {
    async enqueuePlacement(tx, batchId) {
      // Enqueued inside POST /api/batches's span: the placing job, and every order it places, continue the batch's trace (CONTRACT §10).
      const job: BatchPlacementJob = { batchId, ...jobTraceFields(null) };
      await enqueueInTx(boss, tx, BATCH_QUEUE, job, batchId);
    },
    async scheduleCheck(tx, check: BatchCheck, delaySeconds) {
      await enqueueInTx(boss, tx, BATCH_CHECK_QUEUE, check, `${check.batchId}:${check.round}`, { startAfter: delaySeconds });
    },
  };
}
