import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { createHash } from "node:crypto";
import { placeOrderInputSchema, type PlaceOrderInput } from "@/lib/contract";
import { publishOrderCreated, type JobSender } from "@/jobs/boss";
import type { Database, Transaction } from "@/server/db/client";
import { idempotencyKeys, orderLines, orders, products, type IdempotencyKey } from "@/server/db/schema";
import { badRequest, conflict, forbidden, isDatabaseUnavailable, unprocessable } from "@/server/errors";
import { newId } from "@/server/ids";
import { appendOrderEvent } from "./order-state-machine";

export type AcceptedBody = { order_id: string; status: "pending"; status_url: string };

export type PlaceOrderResult =
  | { kind: "created"; orderId: string; accepted: AcceptedBody }
  | { kind: "replayed"; orderId: string; status: number; body: Record<string, unknown>; preferenceApplied: string | null };

export type PlaceOrderRequest = {
  shopperId: string;
  body: unknown;
  idempotencyKey?: string;
  /** The caller will hold the response this long (Prefer: wait); a replay meanwhile answers 409. */
  holdSeconds?: number;
};

export function statusUrl(orderId: string): string {
  return `/api/orders/${orderId}`;
}

/**
 * Order intake: validate, price from the database, then in ONE transaction claim the
 * idempotency key, insert order + lines + first event and publish `order.created`. The order
 * and its jobs commit together or not at all; nothing else happens on the request path.
 */
export async function placeOrder(db: Database, boss: JobSender, request: PlaceOrderRequest): Promise<PlaceOrderResult> {
  const parsed = placeOrderInputSchema.safeParse(request.body);
  if (!parsed.success) {
    throw badRequest("The order is not valid.", parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  }
  const input = parsed.data;
  if (input.user_id !== undefined && input.user_id !== request.shopperId) {
    throw forbidden("user_id must be the authenticated shopper.");
  }

  const orderId = newId("ord");
  const accepted: AcceptedBody = { order_id: orderId, status: "pending", status_url: statusUrl(orderId) };

  try {
    return await db.transaction(async (tx) => {
      if (request.idempotencyKey !== undefined) {
        const existing = await claimIdempotencyKey(tx, request, input, accepted);
        if (existing) return replay(existing, hashRequest(input));
      }
      await insertOrder(tx, request.shopperId, orderId, input);
      await publishOrderCreated(boss, tx, orderId);
      return { kind: "created", orderId, accepted } as const;
    });
  } catch (err) {
    if (isDatabaseUnavailable(err) && (await wasCommitted(db, orderId))) return { kind: "created", orderId, accepted };
    throw err;
  }
}

/**
 * A connection lost during COMMIT leaves the outcome unknown to us: the server may have
 * committed just before it went. Answering "nothing was written" then would make a client
 * retry into a duplicate, so ask (on a fresh connection) whether the order is there. When even
 * that fails the caller reports the database as unavailable.
 */
async function wasCommitted(db: Database, orderId: string): Promise<boolean> {
  try {
    const [row] = await db.select({ id: orders.id }).from(orders).where(eq(orders.id, orderId));
    return row !== undefined;
  } catch {
    return false;
  }
}

async function insertOrder(tx: Transaction, shopperId: string, orderId: string, input: PlaceOrderInput): Promise<void> {
  const skus = [...new Set(input.items.map((i) => i.sku))];
  const catalog = await tx.select().from(products).where(inArray(products.sku, skus));
  const bySku = new Map(catalog.map((p) => [p.sku, p]));
  const unknown = skus.filter((sku) => !bySku.has(sku));
  if (unknown.length > 0) {
    throw unprocessable("unknown_sku", `Unknown SKU: ${unknown.join(", ")}.`, { unknown_skus: unknown });
  }

  const lines = input.items.map((item, index) => {
    const product = bySku.get(item.sku)!;
    return { orderId, lineNo: index + 1, sku: item.sku, name: product.name, quantity: item.quantity, unitPriceCents: product.priceCents };
  });
  const totalCents = lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0);

  await tx.insert(orders).values({ id: orderId, shopperId, paymentMethod: input.payment_method, totalCents, currency: "USD" });
  await tx.insert(orderLines).values(lines);
  await appendOrderEvent(tx, orderId, "pending");
}

/**
 * Inserts the key's row, or returns the row an earlier request stored. A transaction-scoped
 * advisory lock on (shopper, key) marks the key as being processed: a concurrent request
 * with the same key does not wait for it but answers 409 at once, so exactly one order is
 * created and nobody queues behind a slow first attempt.
 */
async function claimIdempotencyKey(
  tx: Transaction,
  request: PlaceOrderRequest,
  input: PlaceOrderInput,
  accepted: AcceptedBody,
): Promise<IdempotencyKey | undefined> {
  const key = request.idempotencyKey!;
  const { rows } = await tx.execute<{ locked: boolean }>(
    sql`SELECT pg_try_advisory_xact_lock(hashtextextended(${`${request.shopperId}:${key}`}, 0)) AS locked`,
  );
  if (!rows[0]?.locked) throw keyInUse();
  const owner = and(eq(idempotencyKeys.shopperId, request.shopperId), eq(idempotencyKeys.key, key));
  // Keys expire after 24 h: an expired one is forgotten and may be used again.
  await tx.delete(idempotencyKeys).where(and(owner, sql`${idempotencyKeys.createdAt} < now() - interval '24 hours'`));
  const claimed = await tx
    .insert(idempotencyKeys)
    .values({
      shopperId: request.shopperId,
      key,
      requestHash: hashRequest(input),
      orderId: accepted.order_id,
      responseStatus: 202,
      responseBody: accepted,
      lockedUntil: request.holdSeconds ? sql`now() + make_interval(secs => ${request.holdSeconds + 5})` : null,
    })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (claimed.length > 0) return undefined;
  const [existing] = await tx.select().from(idempotencyKeys).where(owner);
  return existing;
}

function replay(existing: IdempotencyKey, requestHash: string): PlaceOrderResult {
  if (existing.requestHash !== requestHash) {
    throw unprocessable("idempotency_key_reused", "This Idempotency-Key was already used with a different request body.");
  }
  if (existing.lockedUntil && existing.lockedUntil.getTime() > Date.now()) throw keyInUse();
  return {
    kind: "replayed",
    orderId: existing.orderId,
    status: existing.responseStatus,
    body: existing.responseBody,
    preferenceApplied: existing.preferenceApplied,
  };
}

function keyInUse() {
  return conflict("idempotency_key_in_use", "A request with this Idempotency-Key is still being processed; retry shortly.");
}

/** Stores the final answer of a held (Prefer: wait) request so replays return exactly it. */
export async function recordIdempotentResponse(
  db: Database,
  shopperId: string,
  key: string,
  status: number,
  body: Record<string, unknown>,
  preferenceApplied: string | null,
): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ responseStatus: status, responseBody: body, preferenceApplied, lockedUntil: null })
    .where(and(eq(idempotencyKeys.shopperId, shopperId), eq(idempotencyKeys.key, key)));
}

/** Same body ⇔ same hash, whatever the key order or whitespace of the JSON sent. */
export function hashRequest(input: PlaceOrderInput): string {
  return createHash("sha256").update(canonicalJson(input)).digest("hex");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
