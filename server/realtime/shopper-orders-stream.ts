import "server-only";
import type { ServerResponse } from "node:http";
import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "@/server/db/client";
import { orders } from "@/server/db/schema";
import { notFound } from "@/server/errors";
import type { HeartbeatTickers } from "./heartbeat-ticker";
import type { OrderEventHub } from "./order-event-hub";
import { latestEventRows } from "./order-feed";
import { idleTicks, SseConnection } from "./sse-connection";

export const MAX_STREAMED_ORDERS = 50;

/**
 * Checks that every order belongs to the shopper (404 otherwise, like GET) and returns their
 * ids. Done before the stream opens so a bad request gets a proper error response.
 */
export async function ownedOrderIds(db: Database, shopperId: string, ids: string[]): Promise<OwnedOrders> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return { ids: [], traceParents: new Map() };
  const rows = await db
    .select({ id: orders.id, traceParent: orders.traceParent })
    .from(orders)
    .where(and(eq(orders.shopperId, shopperId), inArray(orders.id, unique)));
  if (rows.length !== unique.length) throw notFound("No such order.");
  return { ids: unique, traceParents: new Map(rows.map((row) => [row.id, row.traceParent])) };
}

/** The caller's orders asked for, in the order asked, with the trace each one's pushes belong to. */
export type OwnedOrders = { ids: string[]; traceParents: ReadonlyMap<string, string | null> };

/**
 * ONE stream for all of a shopper's orders on a page (a browser allows ~6 connections per
 * host, so never one per order row): the per-order feed of /api/orders/{id}/events once per
 * order on one connection. On connect it sends each order's latest event (one query for
 * all), then every change as its NOTIFY arrives, with comment heartbeats; it ends when
 * every order is final. A reconnect simply starts over with the latest state: the client
 * merges by the state machine (lib/merge-order.ts), so a repeat is harmless.
 */
export async function streamShopperOrders(
  res: ServerResponse,
  db: Database,
  orderIds: string[],
  options: { heartbeatSeconds: number; maxIdleSeconds: number; hub: OrderEventHub; heartbeats: HeartbeatTickers; traceParents?: ReadonlyMap<string, string | null> },
): Promise<void> {
  const ticker = options.heartbeats.every(options.heartbeatSeconds * 1000);
  const connection = new SseConnection(res, db, orderIds, options.hub, ticker, idleTicks(options));
  for (const feed of connection.feeds) feed.traceParent = options.traceParents?.get(feed.orderId) ?? null;
  await connection.start(async () => {
    const feedOf = new Map(connection.feeds.map((feed) => [feed.orderId, feed]));
    for (const row of await latestEventRows(db, orderIds)) feedOf.get(row.orderId)?.sendRow(row);
  });
}
