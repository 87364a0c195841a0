import "server-only";
import { and, asc, eq, gte, sql } from "drizzle-orm";
import type { JobSender } from "@/jobs/boss";
import type { Database, Transaction } from "@/server/db/client";
import { orderLines, orders, products, type Order } from "@/server/db/schema";
import { queueNotification } from "@/server/email/notify-shopper";
import { isFinalStatus } from "@/lib/order-status";
import { lockOrder, transitionOrder } from "@/server/orders/order-state-machine";
import { startFulfilmentIfReady } from "@/server/pipeline/start-fulfilment-if-ready";

export type ReservationOutcome = "reserved" | "backordered" | "skipped";

/**
 * Reserves every line of the order, all or nothing. Each line is a conditional decrement
 * (`stock >= quantity`), so concurrent orders can never oversell; lines are taken in SKU
 * order so two multi-line orders cannot deadlock. Short of stock → back-order: the
 * warehouse and the shopper are emailed, and a restock resumes the order later.
 */
export async function reserveOrderStock(db: Database, boss: JobSender, orderId: string): Promise<ReservationOutcome> {
  return db.transaction(async (tx) => {
    const order = await lockOrder(tx, orderId);
    if (!order || order.stockState !== "none" || isFinalStatus(order.status)) return "skipped";

    if ((await takeStockOrFindShortage(tx, orderId)) === undefined) {
      const updated = await setStockState(tx, order, "reserved");
      await startFulfilmentIfReady(tx, boss, updated);
      return "reserved";
    }
    await setStockState(tx, order, "backordered");
    await transitionOrder(tx, orderId, "backordered");
    await queueNotification(tx, boss, orderId, "backordered", "shopper");
    await queueNotification(tx, boss, orderId, "backordered", "warehouse");
    return "backordered";
  });
}

/**
 * A back-ordered order tries again (after a restock). Returns the SKU that is still short,
 * or null when the order now holds its stock.
 */
export async function retryBackorderedOrder(tx: Transaction, boss: JobSender, orderId: string): Promise<{ reserved: boolean; shortSku?: string }> {
  const order = await lockOrder(tx, orderId);
  if (!order || order.status !== "backordered" || order.stockState !== "backordered") return { reserved: false };
  const short = await takeStockOrFindShortage(tx, orderId);
  if (short) return { reserved: false, shortSku: short };
  const updated = await setStockState(tx, order, "reserved");
  await startFulfilmentIfReady(tx, boss, updated);
  return { reserved: true };
}

/** All-or-nothing inside a savepoint: a short line undoes the lines already taken. */
async function takeStockOrFindShortage(tx: Transaction, orderId: string): Promise<string | undefined> {
  const lines = await tx
    .select({ sku: orderLines.sku, quantity: sql<number>`sum(${orderLines.quantity})::int` })
    .from(orderLines)
    .where(eq(orderLines.orderId, orderId))
    .groupBy(orderLines.sku)
    .orderBy(asc(orderLines.sku));
  let shortSku: string | undefined;
  try {
    await tx.transaction(async (savepoint) => {
      for (const line of lines) {
        const taken = await savepoint
          .update(products)
          .set({ stock: sql`${products.stock} - ${line.quantity}`, updatedAt: sql`now()` })
          .where(and(eq(products.sku, line.sku), gte(products.stock, line.quantity)))
          .returning({ sku: products.sku });
        if (taken.length === 0) {
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

class ShortOfStock extends Error {}

async function setStockState(tx: Transaction, order: Order, stockState: Order["stockState"]): Promise<Order> {
  const [updated] = await tx
    .update(orders)
    .set({ stockState, updatedAt: sql`now()` })
    .where(eq(orders.id, order.id))
    .returning();
  return updated ?? order;
}
