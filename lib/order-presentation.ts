/**
 * How an order's state is told to shoppers: labels, the progress steps, and what happened to
 * their stock and money when things did not go to plan. Client-safe.
 */
import type { OrderStatus } from "./order-state";

export type ShownStatus = OrderStatus | "placing";

export const STATUS_LABEL: Record<ShownStatus, string> = {
  placing: "Placing…",
  pending: "Received",
  payment_processing: "Paying",
  in_review: "Under review",
  payment_confirmed: "Paid",
  confirmed: "Confirmed",
  backordered: "Back-ordered",
  shipped: "Shipped",
  payment_failed: "Payment declined",
  rejected: "Payment blocked",
  cancelled: "Cancelled",
};

export type Tone = "progress" | "success" | "waiting" | "failure" | "neutral";

export const STATUS_TONE: Record<ShownStatus, Tone> = {
  placing: "progress",
  pending: "progress",
  payment_processing: "progress",
  in_review: "waiting",
  payment_confirmed: "progress",
  confirmed: "success",
  backordered: "waiting",
  shipped: "success",
  payment_failed: "failure",
  rejected: "failure",
  cancelled: "neutral",
};

export const PROGRESS_STEPS = ["Placed", "Paying", "Paid", "Confirmed", "Shipped"] as const;

/** The step reached (index into PROGRESS_STEPS), and whether the order is stuck or stopped there. */
export function progressOf(status: ShownStatus, hasPaid: boolean): { reached: number; state: "active" | "waiting" | "stopped" | "done" } {
  switch (status) {
    case "placing":
    case "pending":
      return { reached: 0, state: "active" };
    case "payment_processing":
      return { reached: 1, state: "active" };
    case "in_review":
      return { reached: 1, state: "waiting" };
    case "payment_confirmed":
      return { reached: 2, state: "active" };
    case "backordered":
      return { reached: hasPaid ? 2 : 1, state: "waiting" };
    case "confirmed":
      return { reached: 3, state: "active" };
    case "shipped":
      return { reached: 4, state: "done" };
    case "payment_failed":
    case "rejected":
      return { reached: 1, state: "stopped" };
    case "cancelled":
      return { reached: hasPaid ? 2 : 1, state: "stopped" };
  }
}

export type Outcome = { title: string; body: string; tone: Tone };

/** The plain-words message for outcomes that need one: what happened to stock and money, and what next. */
export function outcomeMessage(status: ShownStatus, details: { tracking?: string; failureReason?: string }): Outcome | null {
  switch (status) {
    case "in_review":
      return {
        tone: "waiting",
        title: "Under review",
        body:
          "Our risk checks asked a person to look at this payment before we ship. Your card has been charged and your items are set aside. " +
          "Most reviews are decided within a day, always within 72 hours; if the payment is not approved, the charge is refunded in full and you will get an email.",
      };
    case "backordered":
      return {
        tone: "waiting",
        title: "Waiting for stock",
        body:
          "Part of your order is out of stock. We have kept your place in line and will ship as soon as the warehouse restocks — there is nothing you need to do. " +
          "Your payment is held safely; if you would rather not wait, cancel and anything charged is refunded in full.",
      };
    case "payment_failed":
      return {
        tone: "failure",
        title: details.failureReason === "card_declined" || !details.failureReason ? "Your card was declined" : "We could not complete the payment",
        body: "Nothing was charged, and the items went back on the shelf. Add them to your cart again and pay with another card to order.",
      };
    case "rejected":
      return {
        tone: "failure",
        title: "Payment blocked by our security checks",
        body: details.failureReason?.startsWith("review_")
          ? "After a review of this payment we could not accept the order. The charge was refunded in full and the items were released. If this was you, try another payment method or contact support."
          : "Our fraud and risk checks stopped this payment to protect you. Nothing was charged and the items were released. If this was you, try another payment method or contact support.",
      };
    case "cancelled":
      return {
        tone: "neutral",
        title: "Order cancelled",
        body:
          "The items went back into stock and your payment was voided or refunded in full. If you had been charged, the refund shows on your statement within 5–10 business days.",
      };
    case "shipped":
      return {
        tone: "success",
        title: "On its way",
        body: details.tracking ? `Handed to the carrier. Track it with number ${details.tracking}.` : "Handed to the carrier.",
      };
    default:
      return null;
  }
}

/** Whether the money was taken at some point (a payment held for review is captured): decides refund vs void wording. */
export function hasPaid(events: { status: OrderStatus }[]): boolean {
  return events.some((e) => e.status === "in_review" || e.status === "payment_confirmed" || e.status === "confirmed" || e.status === "shipped");
}
