import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Transaction } from "@/server/db/client";
import type { Order } from "@/server/db/schema";
import type { FoldedAdvance } from "@/server/pipeline/step-queue";

/**
 * Intake's two statements (decision 023), for one order or a group of them sharing a
 * transaction: one reads what the orders need (catalog prices, the Idempotency-Keys' claims),
 * one writes everything (orders, lines, first events, their jobs). With BEGIN and COMMIT that
 * is four round trips per group, however many orders it holds. Hand-written SQL because
 * drizzle's builder cannot chain inserts through CTEs; rows travel as one JSON parameter each.
 */

export type CatalogEntry = { sku: string; name: string; priceCents: number };

/** The row an earlier request with the same key stored: what a replay answers. */
export type StoredKey = {
  requestHash: string;
  orderId: string;
  responseStatus: number;
  responseBody: Record<string, unknown>;
  preferenceApplied: string | null;
  /** A held (Prefer: wait) request still owns the key: replays answer 409 until it records its answer. */
  held: boolean;
};

/**
 * `claimed`: this request owns the key (new, or the old claim had expired). `busy`: another
 * request with the key is still in its transaction. `stored`: an earlier request's answer.
 */
export type KeyClaim = { kind: "claimed" } | { kind: "busy" } | { kind: "stored"; stored: StoredKey };

export type KeyClaimRequest = {
  shopperId: string;
  key: string;
  requestHash: string;
  orderId: string;
  acceptedBody: Record<string, unknown>;
  /**
   * A held (Prefer: wait) request keeps the key locked this long, so replays meanwhile answer
   * 409. `wait=0` holds nothing: the 202 is answered at once and is the key's response.
   */
  holdSeconds?: number;
};

type ClaimRow = {
  i: number;
  locked: boolean;
  claimed: boolean;
  request_hash: string | null;
  order_id: string | null;
  response_status: number | null;
  response_body: Record<string, unknown> | null;
  preference_applied: string | null;
  held: boolean;
};

type ReadRow = { catalog: { sku: string; name: string; price_cents: number }[] | null; claims: ClaimRow[] | null };

/**
 * Statement 1: the catalog entries of `skus` and the claim of each key (one per (shopper,
 * key): the caller dedupes). A claim is an upsert behind a transaction-scoped advisory lock on
 * (shopper, key): a concurrent request with the same key does not queue behind the first but
 * is told `busy` at once (decision 005). An expired row (24 h) is taken over by the upsert; a
 * live one is left as it is and read back for the replay, so a replay writes nothing.
 */
export async function readCatalogAndClaimKeys(
  tx: Transaction,
  skus: string[],
  claims: KeyClaimRequest[],
): Promise<{ catalog: Map<string, CatalogEntry>; claims: KeyClaim[] }> {
  const catalog = sql`(
    SELECT json_agg(json_build_object('sku', p.sku, 'name', p.name, 'price_cents', p.price_cents))
    FROM products p WHERE p.sku IN (SELECT json_array_elements_text(${JSON.stringify(skus)}::json))
  )`;
  const { rows } = await tx.execute<ReadRow>(claims.length > 0 ? claimStatement(claims, catalog) : sql`SELECT ${catalog} AS catalog, NULL AS claims`);
  const row = rows[0]!;
  const entries = new Map((row.catalog ?? []).map((p) => [p.sku, { sku: p.sku, name: p.name, priceCents: p.price_cents }]));
  const byIndex = new Map((row.claims ?? []).map((c) => [c.i, c]));
  return { catalog: entries, claims: claims.map((_, i) => toKeyClaim(byIndex.get(i))) };
}

function claimStatement(claims: KeyClaimRequest[], catalog: SQL): SQL {
  const wanted = JSON.stringify(
    claims.map((c, i) => ({ i, shopper_id: c.shopperId, key: c.key, request_hash: c.requestHash, order_id: c.orderId, body: c.acceptedBody, hold_seconds: c.holdSeconds || null })),
  );
  return sql`
    WITH wanted AS (
      SELECT w.*, pg_try_advisory_xact_lock(hashtextextended(w.shopper_id || ':' || w.key, 0)) AS locked
      FROM json_to_recordset(${wanted}::json) AS w (i int, shopper_id text, key text, request_hash text, order_id text, body json, hold_seconds int)
    ),
    claim AS (
      INSERT INTO idempotency_keys AS k (shopper_id, key, request_hash, order_id, response_status, response_body, locked_until)
      SELECT shopper_id, key, request_hash, order_id, 202, body,
        CASE WHEN hold_seconds IS NULL THEN NULL ELSE now() + make_interval(secs => hold_seconds + 5) END
      FROM wanted WHERE locked
      ON CONFLICT (shopper_id, key) DO UPDATE SET
        request_hash = EXCLUDED.request_hash, order_id = EXCLUDED.order_id, response_status = EXCLUDED.response_status,
        response_body = EXCLUDED.response_body, preference_applied = NULL, locked_until = EXCLUDED.locked_until, created_at = EXCLUDED.created_at
      WHERE k.created_at < now() - interval '24 hours'
      RETURNING k.shopper_id, k.key
    ),
    result AS (
      SELECT w.i, w.locked, c.key IS NOT NULL AS claimed,
        s.request_hash, s.order_id, s.response_status, s.response_body, s.preference_applied,
        COALESCE(s.locked_until > now(), false) AS held
      FROM wanted w
      LEFT JOIN claim c ON c.shopper_id = w.shopper_id AND c.key = w.key
      LEFT JOIN idempotency_keys s ON w.locked AND c.key IS NULL AND s.shopper_id = w.shopper_id AND s.key = w.key
    )
    SELECT ${catalog} AS catalog, (SELECT json_agg(result) FROM result) AS claims`;
}

function toKeyClaim(row: ClaimRow | undefined): KeyClaim {
  if (row?.claimed) return { kind: "claimed" };
  // Not locked: another request holds the key. Locked but neither claimed nor readable: the
  // holder committed between this statement's snapshot and its lock; it was in flight, so the
  // same answer (retry shortly) is the true one.
  if (!row?.locked || !row.request_hash) return { kind: "busy" };
  return {
    kind: "stored",
    stored: {
      requestHash: row.request_hash,
      orderId: row.order_id!,
      responseStatus: row.response_status!,
      responseBody: row.response_body!,
      preferenceApplied: row.preference_applied ?? null,
      held: row.held === true,
    },
  };
}

export type NewOrderLine = { lineNo: number; sku: string; name: string; quantity: number; unitPriceCents: number };
export type NewOrder = { order: Pick<Order, "id" | "shopperId" | "paymentMethod" | "totalCents" | "currency" | "batchId" | "traceParent">; lines: NewOrderLine[]; eventId: string };
/** A claim this transaction made for a request it then refused (unknown SKU): given back. */
export type ReleasedClaim = { shopperId: string; key: string; orderId: string };

/**
 * Statement 2: the orders, their lines and first events (whose trigger NOTIFYs), the jobs of
 * `jobs` when the step queue can fold them in, and the release of claims made for refused
 * requests. A lab run's shopper marks its orders as the lab's (one lookup on a unique index).
 */
export async function insertOrders(tx: Transaction, orders: NewOrder[], jobs: FoldedAdvance | undefined, released: ReleasedClaim[]): Promise<void> {
  const orderRows = JSON.stringify(orders.map(({ order: o }) => ({ id: o.id, shopper_id: o.shopperId, payment_method: o.paymentMethod, total_cents: o.totalCents, currency: o.currency, batch_id: o.batchId, trace_parent: o.traceParent })));
  const lineRows = JSON.stringify(orders.flatMap(({ order, lines }) => lines.map((l) => ({ ...l, orderId: order.id }))));
  const eventRows = JSON.stringify(orders.map(({ order, eventId }) => ({ id: eventId, order_id: order.id })));
  const releasedRows = JSON.stringify(released.map((r) => ({ shopper_id: r.shopperId, key: r.key, order_id: r.orderId })));
  await tx.execute(sql`
    WITH new_orders AS (
      INSERT INTO orders (id, shopper_id, payment_method, total_cents, currency, lab_run_id, batch_id, trace_parent)
      SELECT o.id, o.shopper_id, o.payment_method, o.total_cents, o.currency, (SELECT lr.id FROM lab_runs lr WHERE lr.shopper_id = o.shopper_id), o.batch_id, o.trace_parent
      FROM json_to_recordset(${orderRows}::json) AS o (id text, shopper_id text, payment_method text, total_cents int, currency text, batch_id text, trace_parent text)
      RETURNING id
    ),
    new_lines AS (
      INSERT INTO order_lines (order_id, line_no, sku, name, quantity, unit_price_cents)
      SELECT new_orders.id, l."lineNo", l.sku, l.name, l.quantity, l."unitPriceCents"
      FROM json_to_recordset(${lineRows}::json) AS l ("orderId" text, "lineNo" int, sku text, name text, quantity int, "unitPriceCents" int)
      JOIN new_orders ON new_orders.id = l."orderId"
    ),
    first_events AS (
      INSERT INTO order_events (id, order_id, status)
      SELECT e.id, new_orders.id, 'pending'
      FROM json_to_recordset(${eventRows}::json) AS e (id text, order_id text)
      JOIN new_orders ON new_orders.id = e.order_id
    ),
    released AS (
      DELETE FROM idempotency_keys k
      USING json_to_recordset(${releasedRows}::json) AS r (shopper_id text, key text, order_id text)
      WHERE k.shopper_id = r.shopper_id AND k.key = r.key AND k.order_id = r.order_id
    )${jobs ? sql`, ${jobs.ctes}` : sql``}
    SELECT ${jobs ? jobs.inserted : sql`0`} AS jobs`);
}
