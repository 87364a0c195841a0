import "server-only";
import { and, eq, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { allowedPrevious, FINAL_STATUSES, PAYMENT_FACT_FROM, STOCK_FACT_FROM, type OrderStatus, type PaymentState, type StockState } from "@/lib/order-state";
import { builtOnce, builtOncePerShape, placeholderValue } from "@/server/db/built-once";
import type { Database, DbOrTx, Transaction } from "@/server/db/client";
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
  on: DbOrTx,
  orderId: string,
  to: OrderStatus,
  options: { set?: OrderColumns; detail?: Record<string, unknown>; alongside?: AlongsideWrite | readonly AlongsideWrite[] } = {},
): Promise<Order | null> {
  const set = { ...options.set, ...paymentSpan(options.set?.paymentState) };
  const paymentFrom = options.set?.paymentState === undefined ? undefined : [...PAYMENT_FACT_FROM[options.set.paymentState]];
  const alongside = options.alongside === undefined ? [] : "name" in options.alongside ? [options.alongside] : [...options.alongside];
  const shape: TransitionShape = { columns: Object.keys(set).sort(), checksPaymentFact: paymentFrom !== undefined, alongside };
  const [updated] = await transition(on, shape, {
    ...Object.assign({}, ...alongside.map((write) => write.values)),
    ...set,
    orderId,
    to,
    from: [...allowedPrevious(to)],
    paymentFrom,
    eventId: newId("evt"),
    detail: JSON.stringify(options.detail ?? {}),
  });
  return updated ?? null;
}

/**
 * A write that belongs with a transition, made by the same statement (decision 046): one more
 * data-modifying CTE, written with `sql.placeholder`s for `values` (the transition's own are
 * there too: `orderId`, `to`, and each column it sets, e.g. `tracking`). It reads `moved` (the
 * order's row when it moved, no row otherwise) when it must happen only with the move, and
 * should read it anyway to run after the order's row is locked (Postgres runs a statement's
 * CTEs in no promised order, but one that reads another waits for its rows). `name` tells
 * the statements apart: one built statement per name. A transition takes several, each its own
 * CTE; their placeholders must not share a name.
 */
export type AlongsideWrite = { name: string; write: (moved: AlongsideMoved) => SQL; values: Record<string, unknown> };

/** The `moved` CTE as a write alongside reads it: `${moved}` in FROM, `${moved.id}` for the order's id. */
export type AlongsideMoved = SQLWrapper & { id: SQLWrapper };

/**
 * A condition that always holds but reads `moved`: a write alongside that must happen whether
 * or not the order moved puts it in its WHERE, so it runs after the order's row lock.
 */
export const afterTheMove = (moved: AlongsideMoved): SQL => sql`(SELECT count(*) FROM ${moved}) >= 0`;

/** A condition that holds only when the order moved: a write alongside that belongs to the move alone. */
export const onlyWithTheMove = (moved: AlongsideMoved): SQL => sql`EXISTS (SELECT 1 FROM ${moved})`;

type TransitionShape = { columns: string[]; checksPaymentFact: boolean; alongside: AlongsideWrite[] };

/** Which columns a transition sets, whether it checks the payment fact, what it writes alongside: one built statement each. */
const transition = builtOncePerShape<TransitionShape, Record<string, unknown>, Order[]>(
  (shape) => [...shape.columns, shape.checksPaymentFact ? "?paymentFact" : "", ...shape.alongside.map((write) => `+${write.name}`)].join(","),
  (db, shape) => {
    const moved = db.$with("moved").as(
      db
        .update(orders)
        .set({ ...Object.fromEntries(shape.columns.map((column) => [column, placeholderValue(column)])), status: placeholderValue("to"), updatedAt: sql`now()` })
        .where(and(eq(orders.id, sql.placeholder("orderId")), isAnyOf(orders.status, "from"), shape.checksPaymentFact ? isAnyOf(orders.paymentState, "paymentFrom") : undefined))
        .returning(),
    );
    const event = db.$with("event", {}).as(
      sql`INSERT INTO ${orderEvents} (id, order_id, status, detail) SELECT ${sql.placeholder("eventId")}, ${moved.id}, ${sql.placeholder("to")}, ${sql.placeholder("detail")}::jsonb FROM ${moved}`,
    );
    const alongside = shape.alongside.map((write, i) => db.$with(`alongside${i}`, {}).as(write.write(moved as unknown as AlongsideMoved)));
    return db.with(moved, event, ...alongside).select().from(moved);
  },
);

/** `column = ANY(<the list in placeholder name>)`: one statement whatever the list's length. */
const isAnyOf = (column: typeof orders.status | typeof orders.paymentState | typeof orders.stockState, name: string): SQL => sql`${column} = ANY(${sql.placeholder(name)})`;

/*
 * Branch facts (their allowed moves: lib/order-state.ts) are written only here, like status.
 * A failure on our side (the provider unreachable for the whole retry budget) moves the
 * status only: it is not the provider's verdict, so a completion arriving later still counts.
 */

/**
 * The span in which a branch of the join finished (the payment completed, the stock reserved)
 * is kept with the fact, in the same UPDATE: the step that starts once both have (the invoice)
 * links to both spans (decision 035), whichever of them enqueued it.
 */
const paymentSpan = (to: PaymentState | undefined) => (to === "completed" ? { paymentTraceParent: traceparentOf() ?? null } : {});
const stockSpan = (to: StockState) => (to === "reserved" ? { stockTraceParent: traceparentOf() ?? null } : {});

/** Records the payment branch's fact if its current value allows it; null otherwise. */
export async function recordPaymentFact(tx: Transaction, orderId: string, to: PaymentState): Promise<Order | null> {
  const span = paymentSpan(to);
  const [updated] = await paymentFact(tx, "paymentTraceParent" in span, { orderId, to, from: [...PAYMENT_FACT_FROM[to]], ...span });
  return updated ?? null;
}

/**
 * The same payment fact as an UPDATE for a caller that writes more in one statement (its CTE
 * body, without RETURNING; chargePayment, decision 054): the fact's rule as above, and with
 * `unlessFinal` the order's status must not be final either — the check a locked transaction
 * made before, now made under the lock the UPDATE itself takes.
 */
export function paymentFactUpdate(orderId: string, to: Exclude<PaymentState, "none">, options: { unlessFinal?: boolean } = {}): SQL {
  const span = paymentSpan(to);
  return sql`UPDATE ${orders} SET payment_state = ${to}${"paymentTraceParent" in span ? sql`, payment_trace_parent = ${span.paymentTraceParent}` : sql``}, updated_at = now()
    WHERE ${orders.id} = ${orderId} AND ${orders.paymentState} IN ${[...PAYMENT_FACT_FROM[to]]}${options.unlessFinal ? sql` AND ${orders.status} NOT IN ${[...FINAL_STATUSES]}` : sql``}`;
}

const paymentFact = builtOncePerShape<boolean, Record<string, unknown>, Order[]>(String, (db, keepsSpan) =>
  db
    .update(orders)
    .set({ paymentState: placeholderValue("to"), ...(keepsSpan ? { paymentTraceParent: placeholderValue("paymentTraceParent") } : {}), updatedAt: sql`now()` })
    .where(and(eq(orders.id, sql.placeholder("orderId")), isAnyOf(orders.paymentState, "from")))
    .returning(),
);

/**
 * Records the stock branch's fact if its current value allows it (narrowed to `from` when
 * the caller needs to know which value it came from); null otherwise.
 */
export async function recordStockFact(tx: Transaction, orderId: string, to: StockState, from?: readonly StockState[]): Promise<Order | null> {
  const values = stockFactValues(orderId, to);
  const allowed = STOCK_FACT_FROM[to].filter((state) => !from || from.includes(state));
  const [updated] = await stockFact(tx, "stockTraceParent" in values, { ...values, from: allowed });
  return updated ?? null;
}

const stockFact = builtOncePerShape<boolean, Record<string, unknown>, Order[]>(String, (db, keepsSpan) => stockFactUpdate(db, keepsSpan));

/**
 * The stock fact's UPDATE … RETURNING, with `condition` added to its rule: on its own
 * (recordStockFact), or as the CTE of a statement that writes more (reserveStock takes a
 * one-line order's units in the same statement, decision 061). Its values: stockFactValues.
 */
export function stockFactUpdate(db: Database, keepsSpan: boolean, condition?: SQL) {
  return db
    .update(orders)
    .set({ stockState: placeholderValue("to"), ...(keepsSpan ? { stockTraceParent: placeholderValue("stockTraceParent") } : {}), updatedAt: sql`now()` })
    .where(and(eq(orders.id, sql.placeholder("orderId")), isAnyOf(orders.stockState, "from"), condition))
    .returning();
}

/** The values of stockFactUpdate for the fact `to` (its span kept with `reserved`, as recordStockFact keeps it). */
export function stockFactValues(orderId: string, to: StockState): Record<string, unknown> {
  return { orderId, to, from: [...STOCK_FACT_FROM[to]], ...stockSpan(to) };
}

/**
 * The order as a transition to `to` setting `set` leaves it (`updated_at` aside), for a step
 * that plans what follows the move inside the move's own statement (`advanceAlongside`): it
 * holds the order's row lock, so nothing else changes the row between its read and the move.
 */
export function orderAfterMove(order: Order, to: OrderStatus, set: OrderColumns = {}): Order {
  return { ...order, ...set, ...paymentSpan(set.paymentState), status: to };
}

/** Reads the order and locks its row for the rest of the transaction: every pipeline step serialises here. */
export async function lockOrder(tx: Transaction, orderId: string): Promise<Order | undefined> {
  const [order] = await lockedOrder(tx, { orderId });
  return order;
}

const lockedOrder = builtOnce<{ orderId: string }, Order[]>((db) => db.select().from(orders).where(eq(orders.id, sql.placeholder("orderId"))).for("update"));
