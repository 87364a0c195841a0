import "server-only";
import { and, desc, eq, lt } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { orders } from "@/server/db/schema";
import { pageSize, seqCursor } from "@/server/http/keyset-page";
import { loadOrderViews, type OrderView } from "./order-view";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Opaque keyset cursor: the arrival number of the last order on the previous page. */
const cursor = seqCursor("o");

/** The shopper's orders, newest first, with keyset pagination (stable while new orders arrive). */
export async function listOrders(
  db: DbOrTx,
  shopperId: string,
  options: { cursor?: string | null; limit?: number } = {},
): Promise<{ data: OrderView[]; next_cursor: string | null }> {
  const limit = pageSize(options.limit, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const before = options.cursor ? cursor.decode(options.cursor) : undefined;
  const rows = await db
    .select()
    .from(orders)
    .where(and(eq(orders.shopperId, shopperId), before === undefined ? undefined : lt(orders.seq, before)))
    .orderBy(desc(orders.seq))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    data: await loadOrderViews(db, page),
    next_cursor: rows.length > limit && last ? cursor.encode(last.seq) : null,
  };
}
