import "server-only";
import { eq } from "drizzle-orm";
import { enqueueInTx, type JobSender } from "@/jobs/boss";
import { QUEUES, type NotificationJob } from "@/jobs/queues";
import type { Database } from "@/server/db/client";
import { invoices, orders, shoppers } from "@/server/db/schema";
import { env } from "@/server/env";
import { transitionOrder } from "@/server/orders/order-state-machine";
import type { EmailService } from "./email-service";
import { confirmationEmail, notificationEmail } from "./templates";

async function loadOrderWithEmail(db: Database, orderId: string) {
  const [row] = await db
    .select({ order: orders, email: shoppers.email })
    .from(orders)
    .innerJoin(shoppers, eq(shoppers.id, orders.shopperId))
    .where(eq(orders.id, orderId));
  return row;
}

/** Emails the confirmation, then marks the order `confirmed` and queues the shipment. */
export async function sendConfirmation(db: Database, boss: JobSender, email: EmailService, orderId: string): Promise<"confirmed" | "skipped"> {
  const row = await loadOrderWithEmail(db, orderId);
  if (!row || (row.order.status !== "payment_confirmed" && row.order.status !== "backordered")) return "skipped";
  const [invoice] = await db.select().from(invoices).where(eq(invoices.orderId, orderId));
  await email.send({
    idempotencyKey: `confirmation_${orderId}`,
    to: row.email,
    template: "confirmation",
    orderId,
    ...confirmationEmail(row.order, invoice?.invoiceNumber),
  });
  return db.transaction(async (tx) => {
    const confirmed = await transitionOrder(tx, orderId, "confirmed", { detail: invoice ? { invoice_number: invoice.invoiceNumber } : {} });
    if (!confirmed) return "skipped";
    await enqueueInTx(boss, tx, QUEUES.createShipment, { orderId }, orderId);
    return "confirmed";
  });
}

/** Back-order, failure and cancellation notices, to the shopper or the warehouse. */
export async function sendNotification(db: Database, email: EmailService, job: NotificationJob): Promise<void> {
  const row = await loadOrderWithEmail(db, job.orderId);
  if (!row) return;
  await email.send({
    idempotencyKey: `${job.template}_${job.to}_${job.orderId}`,
    to: job.to === "warehouse" ? env().WAREHOUSE_EMAIL : row.email,
    template: job.to === "warehouse" ? `${job.template}_warehouse` : job.template,
    orderId: job.orderId,
    ...notificationEmail(job.template, job.to, row.order),
  });
}
