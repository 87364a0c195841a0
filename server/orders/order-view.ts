import "server-only";
import type { EventView, OrderView } from "@/lib/contract";
import { asc, eq, inArray } from "drizzle-orm";
import { centsToMajor } from "@/lib/money";
import type { DbOrTx } from "@/server/db/client";
import { orderEvents, orderLines, orders, type Order, type OrderEvent } from "@/server/db/schema";
import { traceIdOf } from "@/server/telemetry/spans";

/** The public shape of an order (docs/api.md, "GET /api/orders/{id}"). */
// The shape lives in lib/ so the storefront can type its cache by it.
export type { EventView, OrderView } from "@/lib/contract";

export function eventView(event: Pick<OrderEvent, "id" | "status" | "createdAt" | "detail">): EventView {
  return { ...event.detail, id: event.id, status: event.status, timestamp: event.createdAt.toISOString() };
}

/** Builds the views of several orders with two queries, whatever their number. */
export async function loadOrderViews(db: DbOrTx, rows: Order[]): Promise<OrderView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((o) => o.id);
  const [lines, events] = await Promise.all([
    db.select().from(orderLines).where(inArray(orderLines.orderId, ids)).orderBy(asc(orderLines.orderId), asc(orderLines.lineNo)),
    db.select().from(orderEvents).where(inArray(orderEvents.orderId, ids)).orderBy(asc(orderEvents.seq)),
  ]);
  const linesByOrder = byOrder(lines);
  const eventsByOrder = byOrder(events);
  return rows.map((order) => ({
    order_id: order.id,
    status: order.status,
    items: (linesByOrder.get(order.id) ?? []).map((l) => ({ sku: l.sku, name: l.name, quantity: l.quantity, unit_price: centsToMajor(l.unitPriceCents) })),
    total: centsToMajor(order.totalCents),
    currency: order.currency,
    payment_method: order.paymentMethod,
    ...(order.tracking ? { tracking: order.tracking } : {}),
    ...(order.failureReason ? { failure_reason: order.failureReason } : {}),
    created_at: order.createdAt.toISOString(),
    updated_at: order.updatedAt.toISOString(),
    events: (eventsByOrder.get(order.id) ?? []).map(eventView),
    ...traceIdField(order.traceParent),
  }));
}

function traceIdField(traceParent: string | null): { trace_id?: string } {
  const traceId = traceIdOf(traceParent);
  return traceId ? { trace_id: traceId } : {};
}

/** Rows grouped by order, keeping their query order (Map.groupBy needs Node 21). */
function byOrder<T extends { orderId: string }>(rows: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(row.orderId);
    if (group) group.push(row);
    else groups.set(row.orderId, [row]);
  }
  return groups;
}

export async function loadOrderView(db: DbOrTx, orderId: string): Promise<OrderView | undefined> {
  const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
  if (!order) return undefined;
  const [view] = await loadOrderViews(db, [order]);
  return view;
}
