import "server-only";
import type { Transaction } from "@/server/db/client";

/**
 * What batches need of the job system (jobs/batch-jobs.ts implements it over pg-boss; server/
 * never imports jobs/): the placing job of a batch, enqueued in the caller's transaction so a
 * stored batch always has its job and a rolled-back one never does. A deterministic job id per
 * batch makes a second enqueue a no-op.
 */
export interface BatchJobs {
  enqueuePlacement(tx: Transaction, batchId: string): Promise<void>;
}
