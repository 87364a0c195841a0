import "server-only";
import { and, eq } from "drizzle-orm";
import { createHash } from "node:crypto";
import { placeOrderInputSchema, type PlaceOrderInput } from "@/lib/contract";
import type { Database, Transaction } from "@/server/db/client";
import { idempotencyKeys, orders, type Order } from "@/server/db/schema";
import { badRequest, conflict, forbidden, isDatabaseUnavailable, unprocessable } from "@/server/errors";
import { newId } from "@/server/ids";
import type { StepQueue } from "@/server/pipeline/step-queue";
import { insertOrder, readCatalogAndClaimKey, type CatalogEntry, type KeyClaimRequest, type NewOrderLine, type StoredKey } from "./intake-statements";

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
 * Order intake: validate, then in ONE transaction of two statements (decision 022) read the
 * catalog prices and claim the idempotency key, then insert order + lines + first event and the
 * steps the table lists after `placed` (charge and reserve, in parallel). The order and its jobs
 * commit together or not at all; nothing else happens on the request path. A plain function of
 * parsed input and the caller, so any route (REST, tRPC, the shop's checkout) calls it the same way.
 */
export async function placeOrder(db: Database, queue: StepQueue, request: PlaceOrderRequest): Promise<PlaceOrderResult> {
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
  const requestHash = request.idempotencyKey === undefined ? undefined : hashRequest(input);
  const claim: KeyClaimRequest | undefined =
    request.idempotencyKey === undefined
      ? undefined
      : { shopperId: request.shopperId, key: request.idempotencyKey, requestHash: requestHash!, orderId, acceptedBody: accepted, holdSeconds: request.holdSeconds };

  try {
    return await db.transaction(async (tx) => {
      const { catalog, key } = await readCatalogAndClaimKey(tx, [...new Set(input.items.map((i) => i.sku))], claim);
      if (key?.kind === "busy") throw keyInUse();
      if (key?.kind === "stored") return replay(key.stored, requestHash!);
      await storeOrder(tx, queue, pendingOrder(request.shopperId, orderId, input, catalog));
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

type PendingOrder = { order: Order; lines: NewOrderLine[] };

/**
 * The order as intake will store it, priced from the catalog just read (never from the
 * client). `seq`, the timestamps and `labRunId` are the database's to fill in the insert; the
 * steps after `placed` take only the order's id from it (steps.ts).
 */
function pendingOrder(shopperId: string, orderId: string, input: PlaceOrderInput, catalog: Map<string, CatalogEntry>): PendingOrder {
  const unknown = [...new Set(input.items.map((i) => i.sku))].filter((sku) => !catalog.has(sku));
  if (unknown.length > 0) {
    throw unprocessable("unknown_sku", `Unknown SKU: ${unknown.join(", ")}.`, { unknown_skus: unknown });
  }
  const lines = input.items.map((item, index) => {
    const product = catalog.get(item.sku)!;
    return { lineNo: index + 1, sku: item.sku, name: product.name, quantity: item.quantity, unitPriceCents: product.priceCents };
  });
  const now = new Date();
  const order: Order = {
    id: orderId,
    seq: 0,
    shopperId,
    status: "pending",
    paymentState: "none",
    stockState: "none",
    paymentMethod: input.payment_method,
    totalCents: lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0),
    currency: "USD",
    tracking: null,
    failureReason: null,
    labRunId: null,
    createdAt: now,
    updatedAt: now,
  };
  return { order, lines };
}

/** One statement when the step queue can fold its jobs into it; else the insert, then `advance`. */
async function storeOrder(tx: Transaction, queue: StepQueue, { order, lines }: PendingOrder): Promise<void> {
  const jobs = queue.foldAdvance?.("placeOrder", "placed", { order });
  await insertOrder(tx, order, lines, newId("evt"), jobs);
  if (!jobs) await queue.advance(tx, "placeOrder", "placed", { order });
}

function replay(existing: StoredKey, requestHash: string): PlaceOrderResult {
  if (existing.requestHash !== requestHash) {
    throw unprocessable("idempotency_key_reused", "This Idempotency-Key was already used with a different request body.");
  }
  if (existing.held) throw keyInUse();
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
