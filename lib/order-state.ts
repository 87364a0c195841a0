/**
 * Order state, in one place: the statuses of the public contract (docs/api.md) and the
 * transitions between them, the two branch facts (payment, stock) and theirs, and the rules
 * read off them (the join, manual review, the money rule, which statuses notify someone).
 *
 * Client-safe: no server imports. The server's only writer of status and facts,
 * server/orders/order-state-machine.ts, enforces these tables; the schema's columns take
 * their value lists from here; the storefront merges cached orders by the same transitions
 * (lib/merge-order.ts), so server and browser agree on what "further along" means.
 * Rules take `Pick<…>` of the fields they read, so this module needs no server Order type.
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

/** Which statuses may follow which. A status with none is final: this table is the only list of them. */
export const ORDER_TRANSITIONS = {
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
} as const satisfies Record<OrderStatus, readonly OrderStatus[]>;

/** The statuses with no way out, derived from the table at the type level too. */
export type FinalStatus = { [S in OrderStatus]: (typeof ORDER_TRANSITIONS)[S] extends readonly [] ? S : never }[OrderStatus];

export function isFinalStatus(status: OrderStatus): status is FinalStatus {
  return ORDER_TRANSITIONS[status].length === 0;
}

export const FINAL_STATUSES: readonly FinalStatus[] = ORDER_STATUSES.filter(isFinalStatus);

/** Statuses a `Prefer: wait=N` request waits to leave. */
export const IN_FLIGHT_STATUSES: readonly OrderStatus[] = ["pending", "payment_processing", "payment_confirmed"];

export function isInFlightStatus(status: OrderStatus): boolean {
  return IN_FLIGHT_STATUSES.includes(status);
}

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return (ORDER_TRANSITIONS[from] as readonly OrderStatus[]).includes(to);
}

/** The statuses an order may be in to move to `to`: the state machine's UPDATE … WHERE status IN (these). */
export function allowedPrevious(to: OrderStatus): OrderStatus[] {
  return ORDER_STATUSES.filter((from) => canTransition(from, to));
}

/** Reaching one of these means the shopper has their answer: the order is confirmed (or on its way). */
export function isConfirmed(status: OrderStatus): boolean {
  return status === "confirmed" || status === "shipped";
}

/*
 * Branch facts. The two parallel branches keep their own facts next to `status`, and they
 * move like status does: conditional updates from allowed previous values, written only by
 * the state machine.
 *   payment_state: none → processing (a charge was requested, it may exist at the provider)
 *                  → completed | failed | flagged (the provider's verdict; the first one wins)
 *                  → held (captured but risk-flagged; manual review) → completed (an admin approved)
 *                  failed | flagged → completed (the provider took the money after refusing,
 *                  as a retried charge can: money held on an ended order, to be refunded)
 *   stock_state:   none → reserved | backordered, backordered → reserved,
 *                  reserved | backordered → released (compensation)
 */

/** `held`: captured, but risk scoring asked a person to approve it first (manual review). */
export const PAYMENT_STATES = ["none", "processing", "held", "completed", "failed", "flagged"] as const;
export type PaymentState = (typeof PAYMENT_STATES)[number];

export const STOCK_STATES = ["none", "reserved", "backordered", "released"] as const;
export type StockState = (typeof STOCK_STATES)[number];

/** For each payment fact, the values it may be recorded from. */
export const PAYMENT_FACT_FROM: Record<PaymentState, readonly PaymentState[]> = {
  none: [],
  processing: ["none"],
  held: ["none", "processing"],
  completed: ["none", "processing", "held", "failed", "flagged"],
  failed: ["none", "processing"],
  flagged: ["none", "processing"],
};

/** For each stock fact, the values it may be recorded from. */
export const STOCK_FACT_FROM: Record<StockState, readonly StockState[]> = {
  none: [],
  reserved: ["none", "backordered"],
  backordered: ["none"],
  released: ["reserved", "backordered"],
};

type OrderFacts = { status: OrderStatus; paymentState: PaymentState; stockState: StockState };

/** The join: fulfilment starts when payment has completed AND stock is reserved, whichever came last. */
export function readyToFulfil(order: Pick<OrderFacts, "status" | "paymentState" | "stockState">): boolean {
  return (
    order.paymentState === "completed" &&
    order.stockState === "reserved" &&
    (order.status === "payment_confirmed" || order.status === "backordered")
  );
}

/** A payment held for manual review on an order that may still ship: someone has to decide it. */
export function awaitsReview(order: Pick<OrderFacts, "status" | "paymentState">): boolean {
  return order.paymentState === "held" && !isFinalStatus(order.status);
}

/** The ends that do not ship: every final status but `shipped`. */
export type WillNotShipStatus = Exclude<FinalStatus, "shipped">;

export function willNotShip(status: OrderStatus): status is WillNotShipStatus {
  return isFinalStatus(status) && status !== "shipped";
}

/** Payment facts under which the provider may hold money: captured (`completed`, `held`) or requested and undecided. */
const MONEY_MAY_BE_HELD: readonly PaymentState[] = ["processing", "held", "completed"];

/**
 * THE money rule, the one place that decides it: an order that will not ship (failed on
 * either side, rejected, or cancelled) keeps nothing, so any money the provider may hold
 * for it — a charge that is captured (`completed`, or `held` for a manual review), or
 * requested and not yet decided (it may still land) — is reversed. A shipped order keeps
 * its total. Every trigger (cancel, a late or mismatched completion, retries exhausted,
 * reconciliation, a rejected or expired review) goes through this check, and
 * the reversal itself is idempotent at the provider, so the money moves back exactly once.
 */
export function mustReturnMoney(order: Pick<OrderFacts, "status" | "paymentState">): boolean {
  return willNotShip(order.status) && MONEY_MAY_BE_HELD.includes(order.paymentState);
}

/** Statuses that send a notice (shopper and warehouse): a back-order, and every end that does not ship. */
export type NotificationTemplate = "backordered" | WillNotShipStatus;

export function isNotifiable(status: OrderStatus): status is NotificationTemplate {
  return status === "backordered" || willNotShip(status);
}
