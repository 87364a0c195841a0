/**
 * Every queue of the pipeline and its policy. Which step follows which is not decided here
 * but in the step table (server/pipeline/steps.ts); this adapter names its queues after it.
 */
import type { Queue } from "pg-boss";
import { STEPS } from "@/server/pipeline/steps";
import type { NotificationTemplate } from "@/server/pipeline/steps";

export const QUEUES = {
  chargePayment: STEPS.chargePayment.queue,
  reconcilePayment: STEPS.reconcilePayment.queue,
  reserveInventory: STEPS.reserveStock.queue,
  createInvoice: STEPS.createInvoice.queue,
  sendConfirmation: STEPS.sendConfirmation.queue,
  createShipment: STEPS.createShipment.queue,
  reversePayment: STEPS.reversePayment.queue,
  sendNotification: STEPS.notifyShopper.queue,
  resumeBackorders: STEPS.resumeBackorders.queue,
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export type OrderJob = { orderId: string };
export type ReconcileJob = { orderId: string; attempt: number };
export type NotificationJob = { orderId: string; template: NotificationTemplate; to: "shopper" | "warehouse" };
export type ResumeBackordersJob = { sku: string };

export function deadLetterQueue(name: QueueName): string {
  return `${name}.dead`;
}

export type QueuePolicyConfig = { retryLimit: number; heartbeatSeconds: number };

/**
 * Policy shared by every step: exponential backoff (1 s, 2 s, 4 s … capped at 60 s), a
 * heartbeat so a job held by a crashed worker is retried within ~2 heartbeats, a hard
 * expiry as the last resort, NOTIFY on insert so an idle worker starts at once, and a
 * dead-letter queue for jobs that exhaust their retries (redrivable from the admin).
 */
export function queuePolicy(name: QueueName, config: QueuePolicyConfig): Omit<Queue, "name"> {
  return {
    policy: "standard",
    retryLimit: config.retryLimit,
    retryDelay: 1,
    retryBackoff: true,
    retryDelayMax: 60,
    heartbeatSeconds: config.heartbeatSeconds,
    expireInSeconds: 300,
    deleteAfterSeconds: 7 * 24 * 3600,
    deadLetter: deadLetterQueue(name),
    notify: true,
  };
}

/** Dead letters are kept for inspection and redrive; nothing works them. */
export const DEAD_LETTER_POLICY: Omit<Queue, "name"> = {
  policy: "standard",
  retentionSeconds: 30 * 24 * 3600,
  deleteAfterSeconds: 30 * 24 * 3600,
};

/** Hourly housekeeping (expired idempotency keys, stale worker heartbeats). */
export const MAINTENANCE_QUEUE = "maintenance.hourly";
