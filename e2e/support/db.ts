/**
 * Direct reads of a stack's database, for facts the public API does not expose: stock
 * levels, the mailbox the email simulator fills, the payment simulator's own records and
 * pg-boss's queues. Read-only, so a spec cannot change what it is checking.
 */
import { expect } from "@playwright/test";
import { and, count, eq, inArray } from "drizzle-orm";
import { mailbox, orders, payments, products, simCharges, simReversals, type MailboxMessage, type Order } from "@/server/db/schema";
import type { Stack } from "./stack";

export async function stockOf(stack: Stack, sku: string): Promise<number> {
  const [product] = await stack.db.select({ stock: products.stock }).from(products).where(eq(products.sku, sku));
  if (!product) throw new Error(`No product ${sku}`);
  return product.stock;
}

export async function orderRow(stack: Stack, orderId: string): Promise<Order> {
  const [order] = await stack.db.select().from(orders).where(eq(orders.id, orderId));
  if (!order) throw new Error(`No order ${orderId}`);
  return order;
}

export async function mailFor(stack: Stack, orderId: string): Promise<MailboxMessage[]> {
  return stack.db.select().from(mailbox).where(eq(mailbox.orderId, orderId)).orderBy(mailbox.createdAt);
}

/** The provider's charges for an order: exactly one when nothing was charged twice. */
export async function chargesFor(stack: Stack, orderId: string) {
  return stack.db.select().from(simCharges).where(eq(simCharges.orderId, orderId));
}

/** Voids and refunds the provider made against an order's charges. */
export async function reversalsFor(stack: Stack, orderId: string) {
  return stack.db
    .select({ id: simReversals.id, kind: simReversals.kind, chargeId: simReversals.chargeId })
    .from(simReversals)
    .innerJoin(simCharges, eq(simCharges.id, simReversals.chargeId))
    .where(eq(simCharges.orderId, orderId));
}

export async function paymentRow(stack: Stack, orderId: string) {
  const [payment] = await stack.db.select().from(payments).where(eq(payments.orderId, orderId));
  return payment;
}

/** How many of `orderIds` are in one of `statuses`, in one query (cheap enough to poll). */
export async function countInStatus(stack: Stack, orderIds: string[], statuses: Order["status"][]): Promise<number> {
  const [row] = await stack.db
    .select({ n: count() })
    .from(orders)
    .where(and(inArray(orders.id, orderIds), inArray(orders.status, statuses)));
  return row?.n ?? 0;
}

/** Status → number of `orderIds` in it. */
export async function statusHistogram(stack: Stack, orderIds: string[]): Promise<Record<string, number>> {
  const rows = await stack.db
    .select({ status: orders.status, n: count() })
    .from(orders)
    .where(inArray(orders.id, orderIds))
    .groupBy(orders.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/**
 * Jobs of `queue` about `orderId` that are still to run (queued, waiting for a retry or
 * running). Zero means every step queued so far for the order has settled, which is how a
 * spec knows "nothing further will happen" without sleeping.
 */
export async function openJobs(stack: Stack, queue: string, orderId: string): Promise<number> {
  const result = await stack.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND data->>'orderId' = $2 AND state IN ('created', 'retry', 'active')",
    [queue, orderId],
  );
  return result.rows[0]?.n ?? 0;
}

/** Like `openJobs`, across every pipeline queue but `except` (dead-letter queues left out: nothing runs there). */
export async function openJobsForOrder(stack: Stack, orderId: string, except: string[] = []): Promise<number> {
  const result = await stack.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pgboss.job WHERE data->>'orderId' = $1 AND state IN ('created', 'retry', 'active') AND name NOT LIKE '%.dead' AND name <> ALL($2::text[])",
    [orderId, except],
  );
  return result.rows[0]?.n ?? 0;
}

/** Jobs currently held by a worker, across every queue. */
export async function activeJobs(stack: Stack): Promise<number> {
  const result = await stack.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pgboss.job WHERE state = 'active'");
  return result.rows[0]?.n ?? 0;
}

/** Every order charged exactly once at the provider and sent exactly one confirmation email. */
export async function expectChargedAndConfirmedOnce(stack: Stack, orderIds: string[]): Promise<void> {
  const charges = await stack.db.select({ orderId: simCharges.orderId, n: count() }).from(simCharges).where(inArray(simCharges.orderId, orderIds)).groupBy(simCharges.orderId);
  expect(charges).toHaveLength(orderIds.length);
  expect(charges.filter((c) => c.n !== 1)).toEqual([]);
  const confirmations = await stack.db
    .select({ orderId: mailbox.orderId, n: count() })
    .from(mailbox)
    .where(and(eq(mailbox.template, "confirmation"), inArray(mailbox.orderId, orderIds)))
    .groupBy(mailbox.orderId);
  expect(confirmations).toHaveLength(orderIds.length);
  expect(confirmations.filter((c) => c.n !== 1)).toEqual([]);
}
