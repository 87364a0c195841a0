import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Transaction } from "@/server/db/client";
import type { Order } from "@/server/db/schema";
import type { FoldedAdvance } from "@/server/pipeline/step-queue";

/**
 * Intake's two statements (decision 022): one reads what the order needs (catalog prices, the
 * Idempotency-Key's claim), one writes everything (order, lines, first event, its jobs). With
 * BEGIN and COMMIT that is four round trips for any order; intake is bound by them, not by CPU.
 * Hand-written SQL because drizzle's builder cannot chain inserts through CTEs.
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
  /** A held (Prefer: wait) request keeps the key locked this long, so replays meanwhile answer 409. */
  holdSeconds?: number;
};

type ReadRow = {
  catalog: { sku: string; name: string; price_cents: number }[] | null;
  locked?: boolean;
  claimed?: boolean;
  request_hash?: string | null;
  order_id?: string | null;
  response_status?: number | null;
  response_body?: Record<string, unknown> | null;
  preference_applied?: string | null;
  held?: boolean | null;
};

/**
 * Statement 1: the catalog entries of `skus` and, given a key, its claim. The claim is one
 * upsert behind a transaction-scoped advisory lock on (shopper, key): a concurrent request with
 * the same key does not queue behind the first but is told `busy` at once (decision 005). An
 * expired row (24 h) is taken over by the upsert; a live one is left as it is and read back for
 * the replay, so a replay writes nothing.
 */
export async function readCatalogAndClaimKey(
  tx: Transaction,
  skus: string[],
  claim: KeyClaimRequest | undefined,
): Promise<{ catalog: Map<string, CatalogEntry>; key?: KeyClaim }> {
  const catalog = sql`(
    SELECT json_agg(json_build_object('sku', p.sku, 'name', p.name, 'price_cents', p.price_cents))
    FROM products p WHERE p.sku IN (SELECT json_array_elements_text(${JSON.stringify(skus)}::json))
  )`;
  const { rows } = await tx.execute<ReadRow>(claim ? claimStatement(claim, catalog) : sql`SELECT ${catalog} AS catalog`);
  const row = rows[0]!;
  const entries = new Map((row.catalog ?? []).map((p) => [p.sku, { sku: p.sku, name: p.name, priceCents: p.price_cents }]));
  if (!claim) return { catalog: entries };
  return { catalog: entries, key: toKeyClaim(row) };
}

function claimStatement(claim: KeyClaimRequest, catalog: SQL): SQL {
  const lockedUntil = claim.holdSeconds ? sql`now() + make_interval(secs => ${claim.holdSeconds + 5})` : sql`NULL::timestamptz`;
  return sql`
    WITH lock AS (
      SELECT pg_try_advisory_xact_lock(hashtextextended(${`${claim.shopperId}:${claim.key}`}, 0)) AS locked
    ),
    claim AS (
      INSERT INTO idempotency_keys AS k (shopper_id, key, request_hash, order_id, response_status, response_body, locked_until)
      SELECT ${claim.shopperId}, ${claim.key}, ${claim.requestHash}, ${claim.orderId}, 202, ${JSON.stringify(claim.acceptedBody)}::json, ${lockedUntil}
      FROM lock WHERE lock.locked
      ON CONFLICT (shopper_id, key) DO UPDATE SET
        request_hash = EXCLUDED.request_hash, order_id = EXCLUDED.order_id, response_status = EXCLUDED.response_status,
        response_body = EXCLUDED.response_body, preference_applied = NULL, locked_until = EXCLUDED.locked_until, created_at = EXCLUDED.created_at
      WHERE k.created_at < now() - interval '24 hours'
      RETURNING k.order_id
    )
    SELECT ${catalog} AS catalog, lock.locked, claim.order_id IS NOT NULL AS claimed,
      stored.request_hash, stored.order_id, stored.response_status, stored.response_body, stored.preference_applied,
      COALESCE(stored.locked_until > now(), false) AS held
    FROM lock
    LEFT JOIN claim ON true
    LEFT JOIN idempotency_keys stored
      ON lock.locked AND claim.order_id IS NULL AND stored.shopper_id = ${claim.shopperId} AND stored.key = ${claim.key}`;
}

function toKeyClaim(row: ReadRow): KeyClaim {
  if (row.claimed) return { kind: "claimed" };
  // Not locked: another request holds the key. Locked but neither claimed nor readable: the
  // holder committed between this statement's snapshot and its lock; it was in flight, so the
  // same answer (retry shortly) is the true one.
  if (!row.locked || !row.request_hash) return { kind: "busy" };
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

/**
 * Statement 2: the order, its lines and its first event (whose trigger NOTIFYs), plus the jobs
 * of `jobs` when the step queue can fold them in. A lab run's shopper marks its orders as the
 * lab's (one lookup on a unique index).
 */
export async function insertOrder(
  tx: Transaction,
  order: Pick<Order, "id" | "shopperId" | "paymentMethod" | "totalCents" | "currency">,
  lines: NewOrderLine[],
  eventId: string,
  jobs: FoldedAdvance | undefined,
): Promise<void> {
  const lineRows = JSON.stringify(lines);
  await tx.execute(sql`
    WITH new_order AS (
      INSERT INTO orders (id, shopper_id, payment_method, total_cents, currency, lab_run_id)
      VALUES (${order.id}, ${order.shopperId}, ${order.paymentMethod}, ${order.totalCents}, ${order.currency},
        (SELECT id FROM lab_runs WHERE shopper_id = ${order.shopperId}))
      RETURNING id
    ),
    new_lines AS (
      INSERT INTO order_lines (order_id, line_no, sku, name, quantity, unit_price_cents)
      SELECT new_order.id, l."lineNo", l.sku, l.name, l.quantity, l."unitPriceCents"
      FROM new_order, json_to_recordset(${lineRows}::json) AS l ("lineNo" int, sku text, name text, quantity int, "unitPriceCents" int)
    ),
    first_event AS (
      INSERT INTO order_events (id, order_id, status) SELECT ${eventId}, new_order.id, 'pending' FROM new_order
    )${jobs ? sql`, ${jobs.ctes}` : sql``}
    SELECT ${jobs ? jobs.inserted : sql`0`} AS jobs`);
}
