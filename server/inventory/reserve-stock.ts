import "server-only";
import { and, asc, eq, gte, lt, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { builtOnce } from "@/server/db/built-once";
import type { Database, Transaction } from "@/server/db/client";
import { orderLines, orders, products, type Order } from "@/server/db/schema";
import { isFinalStatus } from "@/lib/order-state";
import { lockOrder, recordStockFact, transitionOrder } from "@/server/orders/order-state-machine";
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
    // The order (locked) and its lines with their earlier waiters: one statement (decision 060).
    const [locked] = await lockedOrderWithLines(tx, { orderId });
    if (!locked || locked.order.stockState !== "none" || isFinalStatus(locked.order.status)) return "skipped";
    const { order, lines } = locked;

    const short = lines.find((line) => line.earlierWaiters)?.sku ?? (await takeStockOrFindShortage(tx, lines));
    if (short === undefined) {
      const reserved = (await recordStockFact(tx, orderId, "reserved")) ?? order;
      await queue.advance(tx, "reserveStock", "reserved", { order: reserved });
      return "reserved";
    }
    await recordStockFact(tx, orderId, "backordered");
    const backordered = (await transitionOrder(tx, orderId, "backordered")) ?? order;
    await queue.advance(tx, "reserveStock", "backordered", { order: backordered, sku: short });
    return "backordered";
  });
}

/**
 * A back-ordered order tries again (after a restock), in the pass's arrival order. Returns
 * the SKU that is still short, or reserved.
 */
export async function retryBackorderedOrder(tx: Transaction, queue: StepQueue, orderId: string): Promise<{ reserved: boolean; shortSku?: string }> {
  const order = await lockOrder(tx, orderId);
  if (!order || order.status !== "backordered" || order.stockState !== "backordered") return { reserved: false };
  const short = await takeStockOrFindShortage(tx, await linesOf(tx, order));
  if (short) return { reserved: false, shortSku: short };
  const reserved = (await recordStockFact(tx, orderId, "reserved")) ?? order;
  await queue.advance(tx, "resumeBackorders", "reserved", { order: reserved });
  return { reserved: true };
}

type Line = { sku: string; quantity: number; earlierWaiters: boolean };

/** The order's lines, one per SKU in SKU order (the order lines are taken in). */
async function linesOf(tx: Transaction, order: Order): Promise<Line[]> {
  return plainLines(tx, { orderId: order.id });
}

// The step's statements, built once (decision 046).
const plainLines = builtOnce((db) =>
  db
    .select({ sku: orderLines.sku, quantity: sql<number>`sum(${orderLines.quantity})::int`, earlierWaiters: sql<boolean>`false` })
    .from(orderLines)
    .where(eq(orderLines.orderId, sql.placeholder("orderId")))
    .groupBy(orderLines.sku)
    .orderBy(asc(orderLines.sku)),
);

/**
 * The order, its row locked for the rest of the transaction, with its lines (one per SKU, in
 * SKU order) and for each whether an earlier order, still back-ordered, waits for that SKU.
 * The lines are read by a subquery of the locking statement (not locked themselves), so the
 * step spends one round trip where it spent two, with the order's row held.
 */
const waitingLine = alias(orderLines, "waiting_line");
const waitingOrder = alias(orders, "waiting_order");
const lockedOrderWithLines = builtOnce<{ orderId: string }, { order: Order; lines: Line[] }[]>((db) => {
  const earlierWaiters = db
    .select({ one: sql`1` })
    .from(waitingLine)
    .innerJoin(waitingOrder, eq(waitingOrder.id, waitingLine.orderId))
    .where(and(eq(waitingLine.sku, orderLines.sku), eq(waitingOrder.status, "backordered"), eq(waitingOrder.stockState, "backordered"), lt(waitingOrder.seq, orders.seq)));
  const lines = db
    .select({ sku: orderLines.sku, quantity: sql<number>`sum(${orderLines.quantity})::int`.as("quantity"), earlierWaiters: sql<boolean>`EXISTS (${earlierWaiters})`.as("earlierWaiters") })
    .from(orderLines)
    .where(eq(orderLines.orderId, orders.id))
    .groupBy(orderLines.sku)
    .as("line");
  return db
    .select({ order: orders, lines: sql<Line[]>`(SELECT coalesce(json_agg(line ORDER BY line.sku), '[]'::json) FROM ${lines})` })
    .from(orders)
    .where(eq(orders.id, sql.placeholder("orderId")))
    .for("update", { of: orders });
});

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

const takeUnits = builtOnce((db) =>
  db
    .update(products)
    .set({ stock: sql`${products.stock} - ${sql.placeholder("quantity")}`, updatedAt: sql`now()` })
    .where(and(eq(products.sku, sql.placeholder("sku")), gte(products.stock, sql.placeholder("quantity"))))
    .returning({ sku: products.sku }),
);

class ShortOfStock extends Error {}
