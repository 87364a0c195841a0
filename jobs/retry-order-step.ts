import "server-only";
import type { PgBoss } from "pg-boss";
import type { QueuedStepName } from "@/server/pipeline/steps";
import { deadLetterQueue } from "./queues";

/**
 * Retries a failed step of one order: its dead-lettered jobs go back to the step's queue
 * (pg-boss redrive), and a job that failed without a dead letter is retried in place
 * (pg-boss retry). A second click finds nothing left to retry; the step's handler is
 * idempotent anyway.
 */
export async function retryOrderStep(boss: PgBoss, orderId: string, step: QueuedStepName): Promise<{ retried: number }> {
  const dlq = deadLetterQueue(step);
  const dead = await boss.findJobs(dlq, { data: { orderId }, queued: true });
  let retried = dead.length > 0 ? await boss.redrive(dlq, { ids: dead.map((j) => j.id), limit: dead.length }) : 0;
  const failed = (await boss.findJobs(step, { data: { orderId } })).filter((j) => j.state === "failed");
  if (failed.length > 0) {
    await boss.retry(step, failed.map((j) => j.id));
    retried += failed.length;
  }
  return { retried };
}
