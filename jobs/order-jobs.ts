import "server-only";
import type { PgBoss } from "pg-boss";
import type { OrderJobs } from "@/server/pipeline/pipeline-jobs";
import { QUEUED_STEPS, deadLetterQueue, stepOfQueue } from "./queues";

/** One order's jobs still queued in every step's queue, and its dead letters, for the admin timeline. */
export async function orderJobs(boss: PgBoss, orderId: string): Promise<OrderJobs> {
  const [waiting, dead] = await Promise.all([
    Promise.all(QUEUED_STEPS.map((q) => boss.findJobs(q, { data: { orderId }, queued: true }))),
    Promise.all(QUEUED_STEPS.map((q) => boss.findJobs(deadLetterQueue(q), { data: { orderId }, queued: true }))),
  ]);
  return {
    waiting: waiting.flat().map((job) => ({ step: job.name, attempt: job.retryCount + 1, queuedAt: job.createdOn, state: job.state, data: job.data })),
    dead: dead.flat().map((job) => ({
      step: job.sourceName ?? stepOfQueue(job.name) ?? job.name,
      deadAt: job.createdOn,
      error: (job.sourceOutput as { message?: string } | null)?.message ?? null,
      data: job.data,
    })),
  };
}
