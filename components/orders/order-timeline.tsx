import type { OrderEventSnapshot } from "@/lib/merge-order";
import { STATUS_LABEL } from "@/lib/order-presentation";

const DETAIL: Partial<Record<OrderEventSnapshot["status"], string>> = {
  pending: "We received your order.",
  payment_processing: "Your payment is being processed.",
  in_review: "A person is reviewing the payment before we ship.",
  payment_confirmed: "Payment received.",
  backordered: "Waiting for stock to arrive.",
  confirmed: "Invoice and confirmation email sent; packing now.",
  shipped: "Handed to the carrier.",
  payment_failed: "The payment did not go through.",
  rejected: "Security checks blocked the payment.",
  cancelled: "The order was cancelled.",
};

/** The order's event log, oldest first, as the server recorded it. */
export function OrderTimeline({ events }: { events: OrderEventSnapshot[] }) {
  return (
    <ol aria-label="Timeline" className="grid gap-4 border-l pl-5">
      {events.map((event) => (
        <li key={event.id} className="relative grid gap-0.5">
          <span aria-hidden className="absolute top-1.5 -left-[25px] size-2.5 rounded-full border-2 border-background bg-foreground/60" />
          <p className="text-sm font-medium">{STATUS_LABEL[event.status]}</p>
          <p className="text-sm text-muted-foreground">
            {DETAIL[event.status]}
            {typeof event.tracking === "string" ? ` Tracking number ${event.tracking}.` : ""}
          </p>
          <time dateTime={event.timestamp} className="text-xs text-muted-foreground" suppressHydrationWarning>
            {new Date(event.timestamp).toLocaleString()}
          </time>
        </li>
      ))}
    </ol>
  );
}
