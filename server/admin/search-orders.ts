import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { centsToMajor } from "@/lib/money";
import { ORDER_STATUSES, type OrderStatus } from "@/lib/order-state";
import type { Database } from "@/server/db/client";

export const orderSearchSchema = z.object({
  status: z.enum(ORDER_STATUSES).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** A shopper's email or usr_ id. */
  shopper: z.string().trim().min(1).max(255).optional(),
  /** An order id, an email or a tracking number. */
  q: z.string().trim().min(1).max(255).optional(),
  includeLab: z.boolean().optional(),
  cursor: z.string().regex(/^\d+$/).nullish(),
  limit: z.number().int().min(1).max(100).default(25),
});

export type OrderSearch = z.input<typeof orderSearchSchema>;

export type OrderSearchRow = {
  orderId: string;
  status: OrderStatus;
  email: string;
  shopperId: string;
  total: number;
  currency: string;
  tracking: string | null;
  lab: boolean;
  createdAt: string;
};

/**
 * The admin's order search, newest first with a keyset cursor (the order's arrival `seq`),
 * so page 1,000 costs what page 1 does. Every filter narrows an index range (decision 018):
 * status → (status, seq), shopper/email → the shopper's (shopper_id, seq), tracking and id →
 * their own indexes; a date range walks created_at instead (newest first by arrival time,
 * ties by seq), the cursor then standing for that order's (created_at, seq).
 */
export async function searchOrders(db: Database, input: OrderSearch): Promise<{ data: OrderSearchRow[]; nextCursor: string | null }> {
  const search = orderSearchSchema.parse(input);
  const { rows } = await db.execute<{
    id: string;
    seq: number;
    status: OrderStatus;
    email: string;
    shopper_id: string;
    total_cents: number;
    currency: string;
    tracking: string | null;
    lab_run_id: string | null;
    created_at: string;
  }>(searchOrdersQuery(search));
  const page = rows.slice(0, search.limit);
  return {
    data: page.map((r) => ({
      orderId: r.id,
      status: r.status,
      email: r.email,
      shopperId: r.shopper_id,
      total: centsToMajor(r.total_cents),
      currency: r.currency,
      tracking: r.tracking,
      lab: r.lab_run_id !== null,
      createdAt: new Date(r.created_at).toISOString(),
    })),
    nextCursor: rows.length > search.limit ? String(page.at(-1)!.seq) : null,
  };
}

/** The search's one statement, one row more than the page (exported for the bench's EXPLAIN). */
export function searchOrdersQuery(search: z.output<typeof orderSearchSchema>): SQL {
  const where: SQL[] = [];
  if (!search.includeLab) where.push(sql`o.lab_run_id IS NULL`);
  if (search.status) where.push(sql`o.status = ${search.status}`);
  // A date range walks orders_created_idx backwards (newest first within the range), so its
  // cost is the page, not the orders outside the range; the cursor is still an order's seq.
  const byDate = Boolean(search.from || search.to);
  if (search.from) where.push(sql`o.created_at >= ${search.from}::timestamptz`);
  if (search.to) where.push(sql`o.created_at < ${search.to}::timestamptz`);
  if (search.shopper) where.push(shopperFilter(search.shopper));
  if (search.q) where.push(textFilter(search.q));
  if (search.cursor) {
    where.push(
      byDate
        ? sql`o.created_at <= (SELECT created_at FROM orders WHERE seq = ${Number(search.cursor)})
              AND (o.created_at, o.seq) < (SELECT created_at, seq FROM orders WHERE seq = ${Number(search.cursor)})`
        : sql`o.seq < ${Number(search.cursor)}`,
    );
  }
  return sql`
    SELECT o.id, o.seq, o.status, s.email, o.shopper_id, o.total_cents, o.currency, o.tracking, o.lab_run_id, o.created_at
      FROM orders o JOIN shoppers s ON s.id = o.shopper_id
     WHERE ${sql.join(where.length > 0 ? where : [sql`true`], sql` AND `)}
     ORDER BY ${byDate ? sql`o.created_at DESC, o.seq DESC` : sql`o.seq DESC`}
     LIMIT ${search.limit + 1}`;
}

function shopperFilter(shopper: string): SQL {
  return shopper.startsWith("usr_")
    ? sql`o.shopper_id = ${shopper}`
    : sql`o.shopper_id = (SELECT id FROM shoppers WHERE email = ${shopper.toLowerCase()})`;
}

function textFilter(q: string): SQL {
  if (q.startsWith("ord_")) return sql`o.id = ${q}`;
  if (q.includes("@")) return shopperFilter(q);
  return sql`o.tracking = ${q}`;
}
