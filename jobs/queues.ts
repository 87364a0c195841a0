/**
 * Every queue of the pipeline and its policy. The queues are the step table's queued steps
 * (server/pipeline/steps.ts), each named after its step: nothing here restates a name.
 */
import type { Queue } from "pg-boss";
import { QUEUED_STEPS, isQueuedStep, type NotificationTemplate, type QueuedStepName } from "@/server/pipeline/steps";

export { QUEUED_STEPS, isQueuedStep, type QueuedStepName };

export type OrderJob = { orderId: string };
export type ReconcileJob = { orderId: string; attempt: number };
export type NotificationJob = { orderId: string; template: NotificationTemplate; to: "shopper" | "warehouse" };
export type ResumeBackordersJob = { sku: string };

const DEAD_SUFFIX = ".dead";

/** A step's dead-letter queue: `<step>.dead`. */
export function deadLetterQueue(name: QueuedStepName): string {
  return `${name}${DEAD_SUFFIX}`;
}

/** `createShipment` or `createShipment.dead` → the step, else undefined. */
export function stepOfQueue(name: string): QueuedStepName | undefined {
  const step = name.endsWith(DEAD_SUFFIX) ? name.slice(0, -DEAD_SUFFIX.length) : name;
  return isQueuedStep(step) ? step : undefined;
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
export function queuePolicy(name: QueuedStepName, config: QueuePolicyConfig): Omit<Queue, "name"> {
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
  return QUEUED_STEPS.map(deadLetterQueue);
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

/**
 * Outbound webhook deliveries (docs/decisions/032-outbound-webhooks.md): one job per attempt,
 * inserted by the database (migration 0011's webhook_schedule_delivery) in the transaction
 * that writes the event, grouped by endpoint. The attempt schedule is the service's (with
 * Retry-After), so pg-boss's own retries only cover a worker that died mid-job.
 */
export { WEBHOOK_DELIVERY_QUEUE } from "@/lib/webhook-types";
export type WebhookDeliveryJob = { messageId: string };

export const WEBHOOK_DELIVERY_POLICY: Omit<Queue, "name"> = {
  policy: "standard",
  retryLimit: 5,
  retryDelay: 30,
  retryBackoff: true,
  // An attempt takes at most 15 s of HTTP; a job held much longer belongs to a dead worker.
  expireInSeconds: 120,
  deleteAfterSeconds: 7 * 24 * 3600,
  notify: true,
};

/**
 * Batches (CONTRACT §9): one job per batch places its lines at BATCH_LINES_PER_SECOND
 * (server/batches/place-batch-lines.ts). A singleton queue: one batch is placed at a time
 * across the workers, so the rate bound holds for the whole shop, not per batch (decision 033).
 * Retried (a rerun goes on where the last run stopped) and heartbeated, so a killed worker's
 * batch is taken up again.
 */
export const BATCH_QUEUE = "batch.place";
export type BatchPlacementJob = { batchId: string; traceparent?: string; tracelink?: string };

/**
 * A batch's progress check: recounts and completes it; each round schedules the next while the
 * batch is in progress (server/batches/check-batch-progress.ts). Short jobs, retried.
 */
export const BATCH_CHECK_QUEUE = "batch.check";
