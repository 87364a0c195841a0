import "server-only";
import type { PgBoss } from "pg-boss";
import { QUEUES, deadLetterQueue, type QueueName } from "@/jobs/queues";
import { badRequest } from "@/server/errors";

/**
 * Retries a failed step of one order: its dead-lettered jobs go back to the step's queue
 * (pg-boss redrive), and a job that failed without a dead letter is retried in place
 * (pg-boss retry). A second click finds nothing left to retry; the step's handler is
 * idempotent anyway.
 */
export async function retryOrderStep(boss: PgBoss, orderId: string, queue: string): Promise<{ retried: number }> {
  if (!(Object.values(QUEUES) as string[]).includes(queue)) throw badRequest(`Unknown step ${queue}.`);
  const dlq = deadLetterQueue(queue as QueueName);
  const dead = await boss.findJobs(dlq, { data: { orderId }, queued: true });
  let retried = dead.length > 0 ? await boss.redrive(dlq, { ids: dead.map((j) => j.id), limit: dead.length }) : 0;
  const failed = (await boss.findJobs(queue, { data: { orderId } })).filter((j) => j.state === "failed");
  if (failed.length > 0) {
    await boss.retry(queue, failed.map((j) => j.id));
    retried += failed.length;
  }
  return { retried };
}
