import "server-only";
import type { Transaction } from "@/server/db/client";

/**
 * What batches need of the job system (jobs/batch-jobs.ts implements it over pg-boss; server/
 * never imports jobs/), each job enqueued in the caller's transaction so it commits or rolls
 * back with the change that calls for it, under a deterministic id so a second enqueue of the
 * same one is a no-op (handlers run at least once).
 */
export interface BatchJobs {
  /** The batch's placing job (server/batches/place-batch-lines.ts). */
  enqueuePlacement(tx: Transaction, batchId: string): Promise<void>;
  /** Round `round` of the batch's progress check, `delaySeconds` from now (server/batches/check-batch-progress.ts). */
  scheduleCheck(tx: Transaction, check: BatchCheck, delaySeconds: number): Promise<void>;
}

/** One round of a batch's progress check; `quietRounds` counts the rounds in a row that found nothing new (the back-off). */
export type BatchCheck = { batchId: string; round: number; quietRounds: number };
