import "server-only";
import { eq } from "drizzle-orm";
import { enqueueInTx, type JobSender } from "@/jobs/boss";
import { QUEUES } from "@/jobs/queues";
import type { Database } from "@/server/db/client";
import { invoices, orders } from "@/server/db/schema";
import type { InvoicingService } from "./invoicing-service";

/** Invoices a paid, stocked order, then queues the confirmation email. */
export async function issueInvoice(db: Database, boss: JobSender, invoicing: InvoicingService, orderId: string): Promise<"issued" | "skipped"> {
  const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
  if (!order || (order.status !== "payment_confirmed" && order.status !== "backordered")) return "skipped";
  const { invoiceNumber } = await invoicing.createInvoice({
    idempotencyKey: `invoice_${orderId}`,
    orderId,
    amountCents: order.totalCents,
    currency: order.currency,
  });
  await db.transaction(async (tx) => {
    await tx.insert(invoices).values({ orderId, invoiceNumber, amountCents: order.totalCents, currency: order.currency }).onConflictDoNothing();
    await enqueueInTx(boss, tx, QUEUES.sendConfirmation, { orderId }, orderId);
  });
  return "issued";
}
