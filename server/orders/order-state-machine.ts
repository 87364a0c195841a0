import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { ORDER_TRANSITIONS, type OrderStatus } from "@/lib/order-status";
import type { Transaction } from "@/server/db/client";
import { orderEvents, orders, type Order } from "@/server/db/schema";
import { newId } from "@/server/ids";

/**
 * The one state machine for order status (CONTRACT.md §1). Every writer goes through
 * `transitionOrder`, a conditional UPDATE … WHERE status IN (allowed previous), so a late,
 * duplicated or out-of-order job/webhook is a no-op instead of moving an order backwards.
 * The table itself is client-safe (lib/order-status.ts) so the storefront merges by it too.
 */
const NEXT = ORDER_TRANSITIONS;

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return NEXT[from].includes(to);
}

export function allowedPrevious(to: OrderStatus): OrderStatus[] {
  return (Object.keys(NEXT) as OrderStatus[]).filter((from) => NEXT[from].includes(to));
}

type OrderColumns = Partial<Pick<Order, "paymentState" | "stockState" | "tracking" | "failureReason">>;

/**
 * Moves the order to `to` if its current status allows it, appending the event (whose
 * trigger NOTIFYs listeners). Returns the updated order, or null when the move was not
 * allowed (already there, or past it).
 */
export async function transitionOrder(
  tx: Transaction,
  orderId: string,
  to: OrderStatus,
  options: { set?: OrderColumns; detail?: Record<string, unknown> } = {},
): Promise<Order | null> {
  const [updated] = await tx
    .update(orders)
    .set({ ...options.set, status: to, updatedAt: sql`now()` })
    .where(and(eq(orders.id, orderId), inArray(orders.status, allowedPrevious(to))))
    .returning();
  if (!updated) return null;
  await appendOrderEvent(tx, orderId, to, options.detail);
  return updated;
}

export async function appendOrderEvent(
  tx: Transaction,
  orderId: string,
  status: OrderStatus,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await tx.insert(orderEvents).values({ id: newId("evt"), orderId, status, detail });
}

/** Reads the order and locks its row for the rest of the transaction: every pipeline step serialises here. */
export async function lockOrder(tx: Transaction, orderId: string): Promise<Order | undefined> {
  const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for("update");
  return order;
}
