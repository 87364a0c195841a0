import "server-only";
import { sql } from "drizzle-orm";
import type { JobWithMetadata } from "pg-boss";
import type { JobSender } from "@/jobs/boss";
import { LAB_QUEUE, QUEUES, MAINTENANCE_QUEUE, type LabRunJob, type NotificationJob, type OrderJob, type ResumeBackordersJob } from "@/jobs/queues";
import type { Database } from "@/server/db/client";
import type { EmailService } from "@/server/email/email-service";
import { sendConfirmation, sendNotification } from "@/server/email/send-order-emails";
import { reserveOrderStock } from "@/server/inventory/reserve-order-stock";
import { resumeBackorders } from "@/server/inventory/resume-backorders";
import type { InvoicingService } from "@/server/invoices/invoicing-service";
import { issueInvoice } from "@/server/invoices/issue-invoice";
import { failPaymentAfterRetries } from "@/server/payments/fail-payment-after-retries";
import type { PaymentProvider } from "@/server/payments/payment-provider";
import { requestCharge } from "@/server/payments/request-charge";
import { reversePayment } from "@/server/payments/reverse-payment";
import type { CarrierService } from "@/server/shipping/carrier-service";
import { shipOrder } from "@/server/shipping/ship-order";
import { runLab } from "@/server/lab/run-lab";

export type JobDependencies = {
  db: Database;
  boss: JobSender;
  payments: PaymentProvider;
  invoicing: InvoicingService;
  email: EmailService;
  carrier: CarrierService;
};

type Handler = (job: JobWithMetadata<never>) => Promise<unknown>;

/**
 * One handler per pipeline step. Each is a thin call into the domain service that does the
 * work idempotently: any of them may run twice (at-least-once delivery) without effect.
 */
export function jobHandlers(deps: JobDependencies): Record<string, Handler> {
  const { db, boss } = deps;
  const data = <T>(job: JobWithMetadata<never>) => job.data as T;
  return {
    [QUEUES.chargePayment]: async (job) => {
      const { orderId } = data<OrderJob>(job);
      try {
        return await requestCharge(db, boss, deps.payments, orderId);
      } catch (err) {
        // Last attempt: the order cannot be paid; fail it (releasing stock) and let the job dead-letter.
        if (job.retryCount >= job.retryLimit) await failPaymentAfterRetries(db, boss, orderId, err);
        throw err;
      }
    },
    [QUEUES.reserveInventory]: (job) => reserveOrderStock(db, boss, data<OrderJob>(job).orderId),
    [QUEUES.createInvoice]: (job) => issueInvoice(db, boss, deps.invoicing, data<OrderJob>(job).orderId),
    [QUEUES.sendConfirmation]: (job) => sendConfirmation(db, boss, deps.email, data<OrderJob>(job).orderId),
    [QUEUES.createShipment]: (job) => shipOrder(db, deps.carrier, data<OrderJob>(job).orderId),
    [QUEUES.reversePayment]: (job) => reversePayment(db, deps.payments, data<OrderJob>(job).orderId),
    [QUEUES.sendNotification]: (job) => sendNotification(db, deps.email, data<NotificationJob>(job)),
    [QUEUES.resumeBackorders]: (job) => resumeBackorders(db, boss, data<ResumeBackordersJob>(job).sku),
    [LAB_QUEUE]: (job) => runLab(db, data<LabRunJob>(job).runId),
    [MAINTENANCE_QUEUE]: async () => {
      await db.execute(sql`DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'`);
      await db.execute(sql`DELETE FROM worker_heartbeats WHERE last_seen_at < now() - interval '1 hour'`);
    },
  };
}
