/**
 * Every queue of the pipeline, its payload and its policy, in one place.
 *
 *   order.created ──publish──▶ payment.charge ──▶ (provider webhook) ─┐
 *                         └──▶ inventory.reserve ─────────────────────┴▶ invoice.create
 *   invoice.create ▶ email.confirmation ▶ (confirmed) ▶ shipment.create ▶ (shipped)
 *
 * Side branches: payment.reverse (void/refund on cancel), email.notification (back-order and
 * failure notices), inventory.resume (restocked SKU → back-ordered orders in arrival order).
 */
import type { Queue } from "pg-boss";

export const ORDER_CREATED_EVENT = "order.created";

export const QUEUES = {
  chargePayment: "payment.charge",
  reserveInventory: "inventory.reserve",
  createInvoice: "invoice.create",
  sendConfirmation: "email.confirmation",
  createShipment: "shipment.create",
  reversePayment: "payment.reverse",
  sendNotification: "email.notification",
  resumeBackorders: "inventory.resume",
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export type OrderJob = { orderId: string };
export type NotificationJob = { orderId: string; template: NotificationTemplate; to: "shopper" | "warehouse" };
export type ResumeBackordersJob = { sku: string };
export type NotificationTemplate = "backordered" | "payment_failed" | "rejected" | "cancelled";

/** Queues that `order.created` fans out to, running in parallel. */
export const ORDER_CREATED_SUBSCRIBERS: QueueName[] = [QUEUES.chargePayment, QUEUES.reserveInventory];

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

/** Hourly housekeeping (expired idempotency keys, stale worker heartbeats). */
export const MAINTENANCE_QUEUE = "maintenance.hourly";
