import "server-only";
import { enqueueInTx, type JobSender } from "@/jobs/boss";
import { QUEUES, type NotificationJob, type NotificationTemplate } from "@/jobs/queues";
import type { Transaction } from "@/server/db/client";

/** Queues a notice email in the caller's transaction: it is sent only if the change commits. */
export async function queueNotification(
  tx: Transaction,
  boss: JobSender,
  orderId: string,
  template: NotificationTemplate,
  to: NotificationJob["to"] = "shopper",
): Promise<void> {
  const job: NotificationJob = { orderId, template, to };
  await enqueueInTx(boss, tx, QUEUES.sendNotification, job, `${orderId}:${template}:${to}`);
}
