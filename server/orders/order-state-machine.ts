import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { allowedPrevious, PAYMENT_FACT_FROM, STOCK_FACT_FROM, type OrderStatus, type PaymentState, type StockState } from "@/lib/order-state";
import type { Transaction } from "@/server/db/client";
import { orderEvents, orders, type Order } from "@/server/db/schema";
import { newId } from "@/server/ids";
import { traceparentOf } from "@/server/telemetry/spans";

/**
 * The one writer of order status and branch facts (statuses: docs/api.md). Every writer goes
 * through `transitionOrder`, a conditional UPDATE … WHERE status IN (allowed previous), so a
 * late, duplicated or out-of-order job/webhook is a no-op instead of moving an order backwards.
 * The rules it enforces are client-safe (lib/order-state.ts) so the storefront merges by them too.
 */

/** Columns a transition may set beside `status`: its own data, and the payment fact it records. */
type OrderColumns = Partial<Pick<Order, "tracking" | "failureReason" | "paymentState">>;

/**
 * Moves the order to `to` if its current status allows it, appending the event (whose
 * trigger NOTIFYs listeners) — one statement: the conditional UPDATE … RETURNING feeds the
 * event's INSERT in the same CTE, so a step pays one round trip per transition, and the
 * event exists exactly when the move happened. Returns the updated order, or null when the
 * move was not allowed (already there, or past it). `set` may record the payment fact with
 * the move; the fact's own rule (its allowed previous values, below) is part of the same
 * condition, so the move happens only when both the status and the fact may change.
 *
 * This is the one place where "a transition happened, in this transaction" is known: anything
 * else that must follow every transition (a rollup, a counter) belongs in this statement.
 */
export async function transitionOrder(
  tx: Transaction,
  orderId: string,
  to: OrderStatus,
  options: { set?: OrderColumns; detail?: Record<string, unknown> } = {},
): Promise<Order | null> {
  const moved = tx.$with("moved").as(
    tx
      .update(orders)
      .set({ ...options.set, ...paymentSpan(options.set?.paymentState), status: to, updatedAt: sql`now()` })
      .where(and(eq(orders.id, orderId), inArray(orders.status, allowedPrevious(to)), paymentFactAllowed(options.set?.paymentState)))
      .returning(),
  );
  const event = tx.$with("event", {}).as(
    sql`INSERT INTO ${orderEvents} (id, order_id, status, detail) SELECT ${newId("evt")}, ${moved.id}, ${to}, ${JSON.stringify(options.detail ?? {})}::jsonb FROM ${moved}`,
  );
  const [updated] = await tx.with(moved, event).select().from(moved);
  return updated ?? null;
}

/*
 * Branch facts (their allowed moves: lib/order-state.ts) are written only here, like status.
 * A failure on our side (the provider unreachable for the whole retry budget) moves the
 * status only: it is not the provider's verdict, so a completion arriving later still counts.
 */

/** The condition under which the payment fact may become `to` (none when it is not being set). */
function paymentFactAllowed(to: PaymentState | undefined) {
  return to === undefined ? undefined : inArray(orders.paymentState, [...PAYMENT_FACT_FROM[to]]);
}

/**
 * The span in which a branch of the join finished (the payment completed, the stock reserved)
 * is kept with the fact, in the same UPDATE: the step that starts once both have (the invoice)
 * links to both spans (decision 035), whichever of them enqueued it.
 */
const paymentSpan = (to: PaymentState | undefined) => (to === "completed" ? { paymentTraceParent: traceparentOf() ?? null } : {});
const stockSpan = (to: StockState) => (to === "reserved" ? { stockTraceParent: traceparentOf() ?? null } : {});

/** Records the payment branch's fact if its current value allows it; null otherwise. */
export async function recordPaymentFact(tx: Transaction, orderId: string, to: PaymentState): Promise<Order | null> {
  const [updated] = await tx
    .update(orders)
    .set({ paymentState: to, ...paymentSpan(to), updatedAt: sql`now()` })
    .where(and(eq(orders.id, orderId), paymentFactAllowed(to)))
    .returning();
  return updated ?? null;
}

/**
 * Records the stock branch's fact if its current value allows it (narrowed to `from` when
 * the caller needs to know which value it came from); null otherwise.
 */
export async function recordStockFact(tx: Transaction, orderId: string, to: StockState, from?: readonly StockState[]): Promise<Order | null> {
  const allowed = STOCK_FACT_FROM[to].filter((state) => !from || from.includes(state));
  const [updated] = await tx
    .update(orders)
    .set({ stockState: to, ...stockSpan(to), updatedAt: sql`now()` })
    .where(and(eq(orders.id, orderId), inArray(orders.stockState, allowed)))
    .returning();
  return updated ?? null;
}

/** Reads the order and locks its row for the rest of the transaction: every pipeline step serialises here. */
export async function lockOrder(tx: Transaction, orderId: string): Promise<Order | undefined> {
  const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for("update");
  return order;
}
