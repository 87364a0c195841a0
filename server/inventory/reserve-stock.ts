import "server-only";
import { and, asc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { builtOnce } from "@/server/db/built-once";
import type { Database, Transaction } from "@/server/db/client";
import { orderLines, orders, products, type Order } from "@/server/db/schema";
import { isFinalStatus } from "@/lib/order-state";
import { lockOrder, recordStockFact, stockFactUpdate, stockFactValues, transitionOrder } from "@/server/orders/order-state-machine";
import type { StepQueue } from "@/server/pipeline/step-queue";

export type ReservationOutcome = "reserved" | "backordered" | "skipped";

/**
 * Reserves every line of the order, all or nothing. Each line is a conditional decrement
 * (`stock >= quantity`), so concurrent orders can never oversell; lines are taken in SKU
 * order so two multi-line orders cannot deadlock. Arrival order is a promise: while an
 * earlier order waits for one of its SKUs, a new order does not take that SKU's units
 * (they are the waiting order's after a restock) — it queues behind it. Short of stock →
 * back-order: the warehouse and the shopper are emailed, and a restock resumes the order;
 * a resumption pass for the SKU is queued too, so an order that back-ordered while a
 * restock was being handed out is not left behind.
 */
export async function reserveStock(db: Database, queue: StepQueue, orderId: string): Promise<ReservationOutcome> {
  return db.transaction(async (tx) => {
    const order = await lockOrder(tx, orderId);
    if (!order || order.stockState !== "none" || isFinalStatus(order.status)) return "skipped";

    const lines = await linesOf(tx, order, { withEarlierWaiters: true });
    const taken = await takeLinesWithFact(tx, order, lines);
    if ("reserved" in taken) {
      await queue.advance(tx, "reserveStock", "reserved", { order: taken.reserved });
      return "reserved";
    }
    await recordStockFact(tx, orderId, "backordered");
    const backordered = (await transitionOrder(tx, orderId, "backordered")) ?? order;
    await queue.advance(tx, "reserveStock", "backordered", { order: backordered, sku: taken.short });
    return "backordered";
  });
}

/**
 * Takes every line's units and records the stock fact `reserved` — or, taking nothing, names
 * the line that is short or that an earlier back-order waits for. A one-line order (most of
 * them) does both in one statement (decision 061): the take locks the SKU's row, which every
 * reservation of that SKU waits for, so the row is held for that statement and the commit
 * only, not for a separate write of the fact as well. Several lines take turns in a savepoint.
 */
async function takeLinesWithFact(tx: Transaction, order: Order, lines: Line[]): Promise<{ reserved: Order } | { short: string }> {
  const waitedFor = lines.find((line) => line.earlierWaiters);
  if (waitedFor) return { short: waitedFor.sku };
  if (lines.length === 1) {
    const [line] = lines;
    const [reserved] = await unitsWithReservedFact(tx, { sku: line!.sku, quantity: line!.quantity, ...stockFactValues(order.id, "reserved") });
    return reserved ? { reserved } : { short: line!.sku };
  }
  const short = await takeStockOrFindShortage(tx, lines);
  if (short !== undefined) return { short };
  return { reserved: (await recordStockFact(tx, order.id, "reserved")) ?? order };
}

/**
 * A back-ordered order tries again (after a restock), in the pass's arrival order. Returns
 * the SKU that is still short, or reserved.
 */
export async function retryBackorderedOrder(tx: Transaction, queue: StepQueue, orderId: string): Promise<{ reserved: boolean; shortSku?: string }> {
  const order = await lockOrder(tx, orderId);
  if (!order || order.status !== "backordered" || order.stockState !== "backordered") return { reserved: false };
  const short = await takeStockOrFindShortage(tx, await linesOf(tx, order, { withEarlierWaiters: false }));
  if (short) return { reserved: false, shortSku: short };
  const reserved = (await recordStockFact(tx, orderId, "reserved")) ?? order;
  await queue.advance(tx, "resumeBackorders", "reserved", { order: reserved });
  return { reserved: true };
}

type Line = { sku: string; quantity: number; earlierWaiters: boolean };

/**
 * The order's lines, one per SKU in SKU order (the order lines are taken in), and — in the
 * same statement, when asked — whether an earlier, still back-ordered order waits for that SKU.
 */
async function linesOf(tx: Transaction, order: Order, options: { withEarlierWaiters: boolean }): Promise<Line[]> {
  return (options.withEarlierWaiters ? linesWithEarlierWaiters : plainLines)(tx, { orderId: order.id, seq: order.seq });
}

// The step's statements, built once (decision 046): the lines alone, or with their earlier waiters.
const waiting = alias(orderLines, "waiting");
const linesStatement = (earlierWaiters: (db: Database) => SQL<boolean>) =>
  builtOnce((db) =>
    db
      .select({ sku: orderLines.sku, quantity: sql<number>`sum(${orderLines.quantity})::int`, earlierWaiters: earlierWaiters(db) })
      .from(orderLines)
      .where(eq(orderLines.orderId, sql.placeholder("orderId")))
      .groupBy(orderLines.sku)
      .orderBy(asc(orderLines.sku)),
  );
const linesWithEarlierWaiters = linesStatement(
  (db) =>
    sql<boolean>`EXISTS (${db
      .select({ one: sql`1` })
      .from(waiting)
      .innerJoin(orders, eq(orders.id, waiting.orderId))
      .where(and(eq(waiting.sku, orderLines.sku), eq(orders.status, "backordered"), eq(orders.stockState, "backordered"), lt(orders.seq, sql.placeholder("seq"))))})`,
);
const plainLines = linesStatement(() => sql<boolean>`false`);

/** All-or-nothing inside a savepoint: a short line undoes the lines already taken. */
async function takeStockOrFindShortage(tx: Transaction, lines: Line[]): Promise<string | undefined> {
  // One line is one conditional UPDATE: nothing to undo, so no savepoint (two round trips).
  if (lines.length === 1) {
    const [line] = lines;
    return (await takeLine(tx, line!)) ? undefined : line!.sku;
  }
  let shortSku: string | undefined;
  try {
    await tx.transaction(async (savepoint) => {
      for (const line of lines) {
        if (!(await takeLine(savepoint, line))) {
          shortSku = line.sku;
          throw new ShortOfStock();
        }
      }
    });
  } catch (err) {
    if (!(err instanceof ShortOfStock)) throw err;
  }
  return shortSku;
}

/** Takes a line's units if the SKU has that many (never below zero); false when short. */
async function takeLine(tx: Transaction, line: { sku: string; quantity: number }): Promise<boolean> {
  const taken = await takeUnits(tx, { sku: line.sku, quantity: line.quantity });
  return taken.length > 0;
}

/** A line's conditional decrement: the SKU's row when it had the units, none when short. */
const unitsUpdate = (db: Database) =>
  db
    .update(products)
    .set({ stock: sql`${products.stock} - ${sql.placeholder("quantity")}`, updatedAt: sql`now()` })
    .where(and(eq(products.sku, sql.placeholder("sku")), gte(products.stock, sql.placeholder("quantity"))))
    .returning({ sku: products.sku });

const takeUnits = builtOnce(unitsUpdate);

/**
 * The units and the fact in one statement: the fact is written only when the units were
 * taken. The order's row is already locked by this transaction and its fact checked `none`,
 * so a short SKU is the only reason the fact is not written — and then nothing is.
 */
const unitsWithReservedFact = builtOnce<Record<string, unknown>, Order[]>((db) => {
  const taken = db.$with("taken").as(unitsUpdate(db));
  const fact = db.$with("fact").as(stockFactUpdate(db, true, sql`EXISTS (SELECT 1 FROM ${taken})`));
  return db.with(taken, fact).select().from(fact);
});

class ShortOfStock extends Error {}
