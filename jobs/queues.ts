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
  expireReview: STEPS.expireReview.queue,
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export type OrderJob = { orderId: string };
export type ReconcileJob = { orderId: string; attempt: number };
export type NotificationJob = { orderId: string; template: NotificationTemplate; to: "shopper" | "warehouse" };
export type ResumeBackordersJob = { sku: string };

export function deadLetterQueue(name: QueueName): string {
  return `${name}.dead`;
}

export type QueuePolicyConfig = {
  retryLimit: number;
  retryDelaySeconds: number;
  retryDelayMaxSeconds: number;
  heartbeatSeconds: number;
};

/** The policy the environment asks for (JOB_RETRY_*, JOB_HEARTBEAT_SECONDS; see .env.example). */
export function queuePolicyConfig(config: {
  JOB_RETRY_LIMIT: number;
  JOB_RETRY_DELAY_SECONDS: number;
  JOB_RETRY_DELAY_MAX_SECONDS: number;
  JOB_HEARTBEAT_SECONDS: number;
}): QueuePolicyConfig {
  return {
    retryLimit: config.JOB_RETRY_LIMIT,
    retryDelaySeconds: config.JOB_RETRY_DELAY_SECONDS,
    retryDelayMaxSeconds: config.JOB_RETRY_DELAY_MAX_SECONDS,
    heartbeatSeconds: config.JOB_HEARTBEAT_SECONDS,
  };
}

/**
 * Policy shared by every step. Retries outlast an outage of a third party: exponential
 * backoff with jitter (pg-boss draws each delay between half and all of
 * `retryDelay × 2^retry`), capped at `retryDelayMax`; with the defaults (30 retries, 1 s,
 * cap 10 min) a job keeps trying for about 3.5 hours before it is dead-lettered
 * (docs/decisions/011). A heartbeat retries a job held by a crashed worker within ~2
 * heartbeats, a hard expiry is the last resort, NOTIFY on insert starts an idle worker at
 * once, and the dead-letter queue keeps what exhausted its retries for redrive.
 */
export function queuePolicy(name: QueueName, config: QueuePolicyConfig): Omit<Queue, "name"> {
  return {
    policy: "standard",
    retryLimit: config.retryLimit,
    retryDelay: config.retryDelaySeconds,
    retryBackoff: true,
    retryDelayMax: config.retryDelayMaxSeconds,
    heartbeatSeconds: config.heartbeatSeconds,
    expireInSeconds: 300,
    deleteAfterSeconds: 7 * 24 * 3600,
    deadLetter: deadLetterQueue(name),
    notify: true,
  };
}

/** Every dead-letter queue, one per pipeline step. */
export function deadLetterQueues(): string[] {
  return Object.values(QUEUES).map(deadLetterQueue);
}

/** Dead letters are kept for inspection and redrive; nothing works them. */
export const DEAD_LETTER_POLICY: Omit<Queue, "name"> = {
  policy: "standard",
  retentionSeconds: 30 * 24 * 3600,
  deleteAfterSeconds: 30 * 24 * 3600,
};

/** Hourly housekeeping (expired idempotency keys, stale worker heartbeats, guests who cannot come back, old webhook log rows). */
export const MAINTENANCE_QUEUE = "maintenance.hourly";

/**
 * Admin lab runs: one job per run, so a run goes on when the admin closes the tab. Not
 * retried (a half-run repeated would measure twice) and allowed to run for a while.
 */
export const LAB_QUEUE = "lab.run";
export type LabRunJob = { runId: string };
