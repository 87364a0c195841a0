import "server-only";
import { sql } from "drizzle-orm";
import type { JobWithMetadata } from "pg-boss";
import { LAB_QUEUE, QUEUES, MAINTENANCE_QUEUE, type LabRunJob, type NotificationJob, type OrderJob, type ReconcileJob, type ResumeBackordersJob } from "@/jobs/queues";
import type { Database } from "@/server/db/client";
import type { EmailService } from "@/server/email/email-service";
import { sendConfirmation } from "@/server/email/send-confirmation";
import { sendNotification } from "@/server/email/send-notification";
import { reserveOrderStock } from "@/server/inventory/reserve-order-stock";
import { resumeBackorders } from "@/server/inventory/resume-backorders";
import type { InvoicingService } from "@/server/invoices/invoicing-service";
import { issueInvoice } from "@/server/invoices/issue-invoice";
import { env } from "@/server/env";
import { failPaymentAfterRetries } from "@/server/payments/fail-payment-after-retries";
import type { PaymentProvider } from "@/server/payments/payment-provider";
import { pruneWebhookLog } from "@/server/payments/prune-webhook-log";
import { reconcilePayment } from "@/server/payments/reconcile-payment";
import { requestCharge } from "@/server/payments/request-charge";
import { reversePayment } from "@/server/payments/reverse-payment";
import type { StepQueue } from "@/server/pipeline/step-queue";
import { expireReview } from "@/server/reviews/expire-review";
import { sweepIdleGuests } from "@/server/auth/sweep-idle-guests";
import type { CarrierService } from "@/server/shipping/carrier-service";
import { shipOrder } from "@/server/shipping/ship-order";
import { runLab } from "@/server/lab/run-lab";

export type JobDependencies = {
  db: Database;
  queue: StepQueue;
  payments: PaymentProvider;
  invoicing: InvoicingService;
  email: EmailService;
  carrier: CarrierService;
};

type Handler = (job: JobWithMetadata<never>) => Promise<unknown>;

/**
 * One handler per queue of the step table (server/pipeline/steps.ts). Each is a thin call
 * into the service that does the step idempotently and reports its outcome through the
 * StepQueue; any of them may run twice (at-least-once delivery) without effect. A thrown
 * error is a retry; the value returned is the outcome, kept on the job for the timeline.
 */
export function jobHandlers(deps: JobDependencies): Record<string, Handler> {
  const { db, queue } = deps;
  const data = <T>(job: JobWithMetadata<never>) => job.data as T;
  return {
    [QUEUES.chargePayment]: async (job) => {
      const { orderId } = data<OrderJob>(job);
      try {
        return await requestCharge(db, queue, deps.payments, orderId);
      } catch (err) {
        // Last attempt: the order cannot be paid; fail it (releasing stock) and let the job dead-letter.
        if (job.retryCount >= job.retryLimit) await failPaymentAfterRetries(db, queue, orderId, err);
        throw err;
      }
    },
    [QUEUES.reconcilePayment]: (job) => reconcilePayment(db, queue, deps.payments, data<ReconcileJob>(job)),
    [QUEUES.reserveInventory]: (job) => reserveOrderStock(db, queue, data<OrderJob>(job).orderId),
    [QUEUES.createInvoice]: (job) => issueInvoice(db, queue, deps.invoicing, data<OrderJob>(job).orderId),
    [QUEUES.sendConfirmation]: (job) => sendConfirmation(db, queue, deps.email, data<OrderJob>(job).orderId),
    [QUEUES.createShipment]: (job) => shipOrder(db, deps.carrier, data<OrderJob>(job).orderId),
    [QUEUES.reversePayment]: (job) => reversePayment(db, deps.payments, data<OrderJob>(job).orderId),
    [QUEUES.sendNotification]: (job) => sendNotification(db, deps.email, data<NotificationJob>(job)),
    [QUEUES.resumeBackorders]: (job) => resumeBackorders(db, queue, data<ResumeBackordersJob>(job).sku),
    [QUEUES.expireReview]: (job) => expireReview(db, queue, data<OrderJob>(job).orderId),
    [LAB_QUEUE]: (job) => runLab(db, data<LabRunJob>(job).runId),
    [MAINTENANCE_QUEUE]: async () => {
      await db.execute(sql`DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'`);
      await db.execute(sql`DELETE FROM worker_heartbeats WHERE last_seen_at < now() - interval '1 hour'`);
      await sweepIdleGuests(db);
      await pruneWebhookLog(db, env().WEBHOOK_LOG_RETENTION_DAYS);
    },
  };
}
