/**
 * Order status names of the public contract (CONTRACT.md §1) and the transitions between them.
 * Client-safe: no server imports. The server's only writer of status,
 * server/orders/order-state-machine.ts, enforces this table; the storefront merges cached
 * orders by it (lib/merge-order.ts), so both agree on what "further along" means.
 */
export const ORDER_STATUSES = [
  "pending",
  "payment_processing",
  "in_review",
  "payment_confirmed",
  "confirmed",
  "backordered",
  "shipped",
  "payment_failed",
  "rejected",
  "cancelled",
] as const;

export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const FINAL_STATUSES: readonly OrderStatus[] = ["shipped", "payment_failed", "rejected", "cancelled"];

/** Statuses a `Prefer: wait=N` request waits to leave. */
export const IN_FLIGHT_STATUSES: readonly OrderStatus[] = ["pending", "payment_processing", "payment_confirmed"];

export function isFinalStatus(status: OrderStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

export function isInFlightStatus(status: OrderStatus): boolean {
  return IN_FLIGHT_STATUSES.includes(status);
}

/** Which statuses may follow which. Final statuses have none. */
export const ORDER_TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  pending: ["payment_processing", "payment_confirmed", "backordered", "payment_failed", "rejected", "cancelled"],
  payment_processing: ["payment_confirmed", "in_review", "backordered", "payment_failed", "rejected", "cancelled"],
  // Captured but held: a person approves (paid) or rejects it (docs/decisions/029-manual-review.md).
  // Stock may run short meanwhile; a back-ordered order under review stays `backordered`.
  in_review: ["payment_confirmed", "backordered", "rejected", "cancelled"],
  // Paid: only stock (back-order) or fulfilment decide what comes next.
  payment_confirmed: ["confirmed", "backordered", "cancelled"],
  // Waiting for stock; payment may still be deciding.
  backordered: ["confirmed", "payment_failed", "rejected", "cancelled"],
  confirmed: ["shipped", "cancelled"],
  shipped: [],
  payment_failed: [],
  rejected: [],
  cancelled: [],
};
