import "server-only";
import { eq, sql } from "drizzle-orm";
import { readyToFulfil } from "@/lib/order-state";
import { builtOnce } from "@/server/db/built-once";
import type { Database } from "@/server/db/client";
import { invoices, orders, shoppers } from "@/server/db/schema";
import type { EmailService } from "@/server/email/email-service";
import { confirmationEmail } from "@/server/email/templates";
import { afterTheMove, orderAfterMove, transitionOrder, type AlongsideMoved } from "@/server/orders/order-state-machine";
import type { StepQueue } from "@/server/pipeline/step-queue";
import type { InvoicingService } from "./invoicing-service";

/**
 * Invoices a paid, stocked order, emails the confirmation, marks the order `confirmed` and
 * queues the shipment: one job, where there were two that always followed each other
 * (createInvoice, then sendConfirmation — decision 037).
 *
 * The invoice is asked for outside any transaction (the provider dedupes by key, so a retry
 * gets the same number). An email cannot be taken back, so the confirmation is sent holding
 * the order's row lock (bounded by PROVIDER_TIMEOUT_MS): a cancel waits for it and then
 * cancels a confirmed order, instead of a "confirmed" email going out for an order that was
 * cancelled while it was being sent (decision 010). The invoice row is written in the same
 * transaction, so an email that fails leaves no invoice row either; the retry writes both.
 * Inside the lock the step makes two statements and the email (decision 060): the lock, then
 * the move with everything that goes with it.
 */
export async function createInvoice(
  db: Database,
  queue: StepQueue,
  services: { invoicing: InvoicingService; email: EmailService },
  orderId: string,
): Promise<"confirmed" | "skipped"> {
  const [order] = await orderById(db, { orderId });
  if (!order || !readyToFulfil(order)) return "skipped";
  const { invoiceNumber } = await services.invoicing.createInvoice({
    idempotencyKey: `invoice_${orderId}`,
    orderId,
    amountCents: order.totalCents,
    currency: order.currency,
  });
  return db.transaction(async (tx) => {
    // The order (locked) and its shopper's address: one statement.
    const [row] = await lockedOrderWithEmail(tx, { orderId });
    if (!row || !readyToFulfil(row.order)) return "skipped";
    await services.email.send({
      idempotencyKey: `confirmation_${orderId}`,
      to: row.email,
      template: "confirmation",
      orderId,
      ...confirmationEmail(row.order, invoiceNumber),
    });
    // The move, its event, the invoice row and the shipment's job: one statement (decision 060).
    const confirmed = await transitionOrder(tx, orderId, "confirmed", {
      detail: { invoice_number: invoiceNumber },
      alongside: [
        { name: "invoice", write: recordInvoice, values: { invoiceNumber, amountCents: row.order.totalCents, currency: row.order.currency } },
        ...queue.advanceAlongside("createInvoice", "confirmed", { order: orderAfterMove(row.order, "confirmed") }),
      ],
    });
    return confirmed ? "confirmed" : "skipped";
  });
}

// The step's statements, built once (decision 046).
const orderById = builtOnce((db) => db.select().from(orders).where(eq(orders.id, sql.placeholder("orderId"))));

const lockedOrderWithEmail = builtOnce((db) =>
  db
    .select({ order: orders, email: shoppers.email })
    .from(orders)
    .innerJoin(shoppers, eq(shoppers.id, orders.shopperId))
    .where(eq(orders.id, sql.placeholder("orderId")))
    .for("update", { of: orders }),
);

/**
 * The invoice row, written under the order's row lock whether or not the order moved (a rerun
 * finds it there: DO NOTHING), and rolled back with the rest when the email fails.
 */
const recordInvoice = (moved: AlongsideMoved) =>
  sql`INSERT INTO ${invoices} (order_id, invoice_number, amount_cents, currency)
      SELECT ${sql.placeholder("orderId")}, ${sql.placeholder("invoiceNumber")}, ${sql.placeholder("amountCents")}::int, ${sql.placeholder("currency")}
      WHERE ${afterTheMove(moved)}
      ON CONFLICT DO NOTHING`;
