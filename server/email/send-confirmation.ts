import "server-only";
import { eq } from "drizzle-orm";
import { readyToFulfil } from "@/lib/order-state";
import type { Database } from "@/server/db/client";
import { invoices, orders, shoppers } from "@/server/db/schema";
import { transitionOrder } from "@/server/orders/order-state-machine";
import type { StepQueue } from "@/server/pipeline/step-queue";
import type { EmailService } from "./email-service";
import { confirmationEmail } from "./templates";

/**
 * Emails the confirmation, marks the order `confirmed` and queues the shipment. An email
 * cannot be taken back, so unlike the other steps this one holds the order's row lock
 * while the email service answers (bounded by PROVIDER_TIMEOUT_MS): a cancel waits for it
 * and then cancels a confirmed order, instead of a "confirmed" email going out for an order
 * that was cancelled while it was being sent (decision 010).
 */
export async function sendConfirmation(db: Database, queue: StepQueue, email: EmailService, orderId: string): Promise<"confirmed" | "skipped"> {
  return db.transaction(async (tx) => {
    // The order (locked), its shopper's address and its invoice number: one statement.
    const [row] = await tx
      .select({ order: orders, email: shoppers.email, invoiceNumber: invoices.invoiceNumber })
      .from(orders)
      .innerJoin(shoppers, eq(shoppers.id, orders.shopperId))
      .leftJoin(invoices, eq(invoices.orderId, orders.id))
      .where(eq(orders.id, orderId))
      .for("update", { of: orders });
    if (!row || !readyToFulfil(row.order)) return "skipped";
    const invoiceNumber = row.invoiceNumber ?? undefined;
    await email.send({
      idempotencyKey: `confirmation_${orderId}`,
      to: row.email,
      template: "confirmation",
      orderId,
      ...confirmationEmail(row.order, invoiceNumber),
    });
    const confirmed = await transitionOrder(tx, orderId, "confirmed", { detail: invoiceNumber !== undefined ? { invoice_number: invoiceNumber } : {} });
    if (!confirmed) return "skipped";
    await queue.advance(tx, "sendConfirmation", "confirmed", { order: confirmed });
    return "confirmed";
  });
}
