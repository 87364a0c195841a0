import "server-only";
import { formatMoney } from "@/lib/money";
import type { NotificationTemplate } from "@/lib/order-state";

type OrderSummary = { id: string; totalCents: number; currency: string; failureReason: string | null };

/** Plain-text bodies of every email Conveyor sends. */
export function confirmationEmail(order: OrderSummary, invoiceNumber: string | undefined) {
  return {
    subject: `Your order ${order.id} is confirmed`,
    body: `Thank you! Order ${order.id} (${formatMoney(order.totalCents, order.currency)}) is paid and confirmed.${invoiceNumber ? ` Invoice ${invoiceNumber}.` : ""} We will email you when it ships.`,
  };
}

export function notificationEmail(template: NotificationTemplate, to: "shopper" | "warehouse", order: OrderSummary) {
  if (to === "warehouse") {
    return {
      subject: `Back-order: ${order.id} is waiting for stock`,
      body: `Order ${order.id} could not be reserved. Please restock the items it contains; it resumes automatically.`,
    };
  }
  switch (template) {
    case "backordered":
      return { subject: `Order ${order.id} is back-ordered`, body: `Some items of order ${order.id} are out of stock. We will ship as soon as they are back.` };
    case "payment_failed":
      return { subject: `Payment for order ${order.id} failed`, body: `We could not take payment for order ${order.id} (${order.failureReason ?? "declined"}). Nothing was charged.` };
    case "rejected":
      // After a manual review the payment had been captured: it is refunded, not "never charged".
      return order.failureReason?.startsWith("review_")
        ? { subject: `Order ${order.id} could not be accepted`, body: `After a review of its payment, order ${order.id} was declined. The charge is refunded in full.` }
        : { subject: `Order ${order.id} could not be accepted`, body: `Order ${order.id} was declined by our payment checks. Nothing was charged.` };
    case "cancelled":
      return { subject: `Order ${order.id} is cancelled`, body: `Order ${order.id} is cancelled. Any payment is voided or refunded.` };
  }
}
