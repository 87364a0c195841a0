import "server-only";
import { sql } from "drizzle-orm";
import type { JobWithMetadata } from "pg-boss";
import { BATCH_CHECK_QUEUE, BATCH_QUEUE, LAB_QUEUE, MAINTENANCE_QUEUE, WEBHOOK_DELIVERY_QUEUE, type BatchPlacementJob, type WebhookDeliveryJob, type LabRunJob, type NotificationJob, type OrderJob, type ReconcileJob, type ResumeBackordersJob } from "@/jobs/queues";
import type { Database } from "@/server/db/client";
import type { EmailService } from "@/server/email/email-service";
import { sendNotification } from "@/server/email/send-notification";
import { reserveStock } from "@/server/inventory/reserve-stock";
import { resumeBackorders } from "@/server/inventory/resume-backorders";
import type { InvoicingService } from "@/server/invoices/invoicing-service";
import { createInvoice } from "@/server/invoices/create-invoice";
import { env } from "@/server/env";
import { failPaymentAfterRetries } from "@/server/payments/fail-payment-after-retries";
import type { PaymentProvider } from "@/server/payments/payment-provider";
import { pruneWebhookLog } from "@/server/payments/prune-webhook-log";
import { pruneTraceSpans } from "@/server/telemetry/prune-trace-spans";
import { pruneShopperMeasurements } from "@/server/beacons/prune-shopper-measurements";
import { reconcilePayment } from "@/server/payments/reconcile-payment";
import { chargePayment } from "@/server/payments/charge-payment";
import { reversePayment } from "@/server/payments/reverse-payment";
import type { FoldingStepQueue } from "@/server/pipeline/step-queue";
import type { QueuedStepName } from "@/server/pipeline/steps";
import { expireReview } from "@/server/reviews/expire-review";
import { sweepIdleGuests } from "@/server/auth/sweep-idle-guests";
import type { CarrierService } from "@/server/shipping/carrier-service";
import { createShipment } from "@/server/shipping/create-shipment";
import { runLab } from "@/server/lab/run-lab";
import { deliverWebhookMessage } from "@/server/webhooks/deliver-webhook-message";
import { disableFailingEndpoints } from "@/server/webhooks/disable-failing-endpoints";
import { endpointPoster, type EndpointPoster } from "@/server/webhooks/post-to-endpoint";
import { pruneWebhookDeliveries } from "@/server/webhooks/prune-webhook-deliveries";
import type { BatchCheck, BatchJobs } from "@/server/batches/batch-jobs";
import { checkBatchProgress } from "@/server/batches/check-batch-progress";
import { placeBatchLines } from "@/server/batches/place-batch-lines";

export type JobDependencies = {
  db: Database;
  queue: FoldingStepQueue;
  payments: PaymentProvider;
  invoicing: InvoicingService;
  email: EmailService;
  carrier: CarrierService;
};

export type Handler = (job: JobWithMetadata<never>) => Promise<unknown>;

const data = <T>(job: JobWithMetadata<never>) => job.data as T;

/**
 * One handler per queued step of the step table (server/pipeline/steps.ts), under the step's
 * name, which is its queue's: a row with a `job` and no handler here fails typecheck. Each is
 * a thin call into the service of that name, which does the step idempotently and reports its
 * outcome through the StepQueue; any of them may run twice (at-least-once delivery) without
 * effect. A thrown error is a retry; the value returned is the outcome, kept on the job for
 * the timeline.
 */
export function stepHandlers(deps: JobDependencies): Record<QueuedStepName, Handler> {
  const { db, queue } = deps;
  return {
    chargePayment: async (job) => {
      const { orderId } = data<OrderJob>(job);
      try {
        return await chargePayment(db, queue, deps.payments, orderId);
      } catch (err) {
        // Last attempt: the order cannot be paid; fail it (releasing stock) and let the job dead-letter.
        if (job.retryCount >= job.retryLimit) await failPaymentAfterRetries(db, queue, orderId, err);
        throw err;
      }
    },
    reconcilePayment: (job) => reconcilePayment(db, queue, deps.payments, data<ReconcileJob>(job)),
    reserveStock: (job) => reserveStock(db, queue, data<OrderJob>(job).orderId),
    resumeBackorders: (job) => resumeBackorders(db, queue, data<ResumeBackordersJob>(job).sku),
    expireReview: (job) => expireReview(db, queue, data<OrderJob>(job).orderId),
    createInvoice: (job) => createInvoice(db, queue, { invoicing: deps.invoicing, email: deps.email }, data<OrderJob>(job).orderId),
    createShipment: (job) => createShipment(db, deps.carrier, data<OrderJob>(job).orderId),
    reversePayment: (job) => reversePayment(db, deps.payments, data<OrderJob>(job).orderId),
    // Both notices are one service: the job says which template and to whom.
    notifyShopper: (job) => sendNotification(db, deps.email, data<NotificationJob>(job)),
    notifyWarehouse: (job) => sendNotification(db, deps.email, data<NotificationJob>(job)),
  };
}

type ServiceQueue = typeof LAB_QUEUE | typeof BATCH_QUEUE | typeof BATCH_CHECK_QUEUE | typeof MAINTENANCE_QUEUE;

/** The queues outside the pipeline: admin lab runs, batches (placing, progress) and the hourly housekeeping. */
export function serviceHandlers(deps: Pick<JobDependencies, "db" | "queue" | "email"> & { batches: BatchJobs }): Record<ServiceQueue, Handler> {
  const { db, queue } = deps;
  return {
    [LAB_QUEUE]: (job) => runLab(db, data<LabRunJob>(job).runId),
    [BATCH_QUEUE]: (job) => placeBatchLines(db, queue, data<BatchPlacementJob>(job).batchId, { linesPerSecond: env().BATCH_LINES_PER_SECOND }),
    [BATCH_CHECK_QUEUE]: (job) => checkBatchProgress(db, deps.batches, data<BatchCheck>(job)),
    [MAINTENANCE_QUEUE]: async () => {
      await db.execute(sql`DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'`);
      await db.execute(sql`DELETE FROM worker_heartbeats WHERE last_seen_at < now() - interval '1 hour'`);
      await sweepIdleGuests(db);
      await pruneWebhookLog(db, env().WEBHOOK_LOG_RETENTION_DAYS);
      await pruneWebhookDeliveries(db, env().WEBHOOK_DELIVERY_RETENTION_DAYS);
      await pruneTraceSpans(db, env().TRACE_RETENTION_DAYS);
      await pruneShopperMeasurements(db, env().RUM_RETENTION_DAYS);
      // Endpoints with no delivery due for a while are found here, and owed emails are sent again.
      await disableFailingEndpoints(db, deps.email);
    },
  };
}

/**
 * Outbound webhook deliveries (docs/decisions/032-outbound-webhooks.md): one job per attempt,
 * its id checked against the message so a repeated or replaced job does nothing.
 */
export function webhookHandlers(
  deps: Pick<JobDependencies, "db" | "email"> & { post?: EndpointPoster },
): Record<typeof WEBHOOK_DELIVERY_QUEUE, Handler> {
  const config = env();
  const post = deps.post ?? endpointPoster({ allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_TARGETS });
  const delivery = { db: deps.db, email: deps.email, post, schedule: config.WEBHOOK_RETRY_SCHEDULE, endpointConcurrency: config.WEBHOOK_ENDPOINT_CONCURRENCY };
  return {
    [WEBHOOK_DELIVERY_QUEUE]: (job) => deliverWebhookMessage(delivery, data<WebhookDeliveryJob>(job).messageId, job.id),
  };
}
