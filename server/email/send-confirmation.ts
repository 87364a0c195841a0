import "server-only";
import { eq } from "drizzle-orm";
import type { Database } from "@/server/db/client";
import { invoices } from "@/server/db/schema";
import { transitionOrder } from "@/server/orders/order-state-machine";
import type { StepQueue } from "@/server/pipeline/step-queue";
import { readyToFulfil } from "@/server/pipeline/steps";
import type { EmailService } from "./email-service";
import { loadOrderWithEmail } from "./load-order-with-email";
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
    const row = await loadOrderWithEmail(tx, orderId, { lock: true });
    if (!row || !readyToFulfil(row.order)) return "skipped";
    const [invoice] = await tx.select().from(invoices).where(eq(invoices.orderId, orderId));
    await email.send({
      idempotencyKey: `confirmation_${orderId}`,
      to: row.email,
      template: "confirmation",
      orderId,
      ...confirmationEmail(row.order, invoice?.invoiceNumber),
    });
    const confirmed = await transitionOrder(tx, orderId, "confirmed", { detail: invoice ? { invoice_number: invoice.invoiceNumber } : {} });
    if (!confirmed) return "skipped";
    await queue.advance(tx, "sendConfirmation", "confirmed", { order: confirmed });
    return "confirmed";
  });
}
