/**
 * Order status names of the public contract (CONTRACT.md §1). Client-safe: no server imports.
 * The transition rules live in server/orders/order-state-machine.ts.
 */
export const ORDER_STATUSES = [
  "pending",
  "payment_processing",
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
