import "server-only";
import { eq } from "drizzle-orm";
import { readyToFulfil } from "@/lib/order-state";
import type { Database } from "@/server/db/client";
import { invoices, orders } from "@/server/db/schema";
import { lockOrder } from "@/server/orders/order-state-machine";
import type { StepQueue } from "@/server/pipeline/step-queue";
import type { InvoicingService } from "./invoicing-service";

/** Invoices a paid, stocked order, then queues the confirmation email. */
export async function createInvoice(db: Database, queue: StepQueue, invoicing: InvoicingService, orderId: string): Promise<"issued" | "skipped"> {
  const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
  if (!order || !readyToFulfil(order)) return "skipped";
  const { invoiceNumber } = await invoicing.createInvoice({
    idempotencyKey: `invoice_${orderId}`,
    orderId,
    amountCents: order.totalCents,
    currency: order.currency,
  });
  return db.transaction(async (tx) => {
    const current = await lockOrder(tx, orderId);
    if (!current || !readyToFulfil(current)) return "skipped";
    await tx.insert(invoices).values({ orderId, invoiceNumber, amountCents: order.totalCents, currency: order.currency }).onConflictDoNothing();
    await queue.advance(tx, "createInvoice", "issued", { order: current });
    return "issued";
  });
}
