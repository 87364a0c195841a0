import type { PgBoss } from "pg-boss";
import { BATCH_CHECK_QUEUE, BATCH_QUEUE, DEAD_LETTER_POLICY, LAB_QUEUE, MAINTENANCE_QUEUE, WEBHOOK_DELIVERY_POLICY, WEBHOOK_DELIVERY_QUEUE, QUEUED_STEPS, deadLetterQueue, queuePolicy, type QueuePolicyConfig } from "./queues";

/**
 * Creates (or brings up to date) every queue and its dead-letter queue. Idempotent: the launcher runs it on every start, after migrations.
 */
export async function setupQueues(boss: PgBoss, config: QueuePolicyConfig): Promise<void> {
  const existing = new Set((await boss.getQueues()).map((q) => q.name));
  const ensure = async (name: string, options: Parameters<PgBoss["createQueue"]>[1]) => {
    if (!existing.has(name)) return boss.createQueue(name, options);
    // A queue's policy is fixed at creation; everything else follows the code.
    const { policy: _policy, partition: _partition, ...updatable } = options ?? {};
    await boss.updateQueue(name, updatable);
  };
  for (const name of QUEUED_STEPS) {
    await ensure(deadLetterQueue(name), DEAD_LETTER_POLICY);
    await ensure(name, queuePolicy(name, config));
  }
  await ensure(MAINTENANCE_QUEUE, { policy: "singleton", retryLimit: 1 });
  await ensure(LAB_QUEUE, { policy: "standard", retryLimit: 0, expireInSeconds: 1800 });
  await ensure(WEBHOOK_DELIVERY_QUEUE, WEBHOOK_DELIVERY_POLICY);
  await ensure(BATCH_QUEUE, {
    policy: "singleton",
    retryLimit: config.retryLimit,
    retryDelay: config.retryDelaySeconds,
    retryBackoff: true,
    retryDelayMax: config.retryDelayMaxSeconds,
    heartbeatSeconds: config.heartbeatSeconds,
    expireInSeconds: 3600,
  });
  await ensure(BATCH_CHECK_QUEUE, {
    policy: "standard",
    retryLimit: config.retryLimit,
    retryDelay: config.retryDelaySeconds,
    retryBackoff: true,
    retryDelayMax: config.retryDelayMaxSeconds,
    expireInSeconds: 300,
    deleteAfterSeconds: 24 * 3600,
  });
  await boss.schedule(MAINTENANCE_QUEUE, "17 * * * *");
}
