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

/**
 * Admin lab runs: one job per run, so a run goes on when the admin closes the tab. Not
 * retried (a half-run repeated would measure twice) and allowed to run for a while.
 */
export const LAB_QUEUE = "lab.run";
export type LabRunJob = { runId: string };
