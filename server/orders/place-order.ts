import "server-only";
import { and, eq } from "drizzle-orm";
import { createHash } from "node:crypto";
import { placeOrderInputSchema, type PlaceOrderInput } from "@/lib/contract";
import type { Database, Transaction } from "@/server/db/client";
import { idempotencyKeys, orders, type Order } from "@/server/db/schema";
import { badRequest, conflict, forbidden, isDatabaseUnavailable, unprocessable } from "@/server/errors";
import { env } from "@/server/env";
import { newId } from "@/server/ids";
import type { StepQueue } from "@/server/pipeline/step-queue";
import { contextOf, inSpan, linkTo, traceparentOf } from "@/server/telemetry/spans";
import { IntakeGroup, type Settled } from "./intake-group";
import { insertOrders, readCatalogAndClaimKeys, type CatalogEntry, type KeyClaim, type KeyClaimRequest, type NewOrder, type ReleasedClaim, type StoredKey } from "./intake-statements";

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
 * The checks of a body before any read: the schema (400) and that `user_id`, when sent, is the
 * caller (403). Exported so a batch line is judged exactly as POST /api/orders judges a body.
 */
export function validateOrderInput(shopperId: string, body: unknown): PlaceOrderInput {
  const parsed = placeOrderInputSchema.safeParse(body);
  if (!parsed.success) {
    throw badRequest("The order is not valid.", parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  }
  if (parsed.data.user_id !== undefined && parsed.data.user_id !== shopperId) {
    throw forbidden("user_id must be the authenticated shopper.");
  }
  return parsed.data;
}

/** The check against the catalog just read (422 unknown_sku); the other half of what intake refuses. */
export function assertKnownSkus(input: PlaceOrderInput, catalog: Map<string, CatalogEntry>): void {
  const unknown = [...new Set(input.items.map((i) => i.sku))].filter((sku) => !catalog.has(sku));
  if (unknown.length > 0) {
    throw unprocessable("unknown_sku", `Unknown SKU: ${unknown.join(", ")}.`, { unknown_skus: unknown });
  }
}

/**
 * Order intake: validate, then in ONE transaction of two statements (decision 023) read the
 * catalog prices and claim the idempotency key, then insert order + lines + first event and the
 * steps the table lists after `placed` (charge and reserve, in parallel). The order and its jobs
 * commit together or not at all; nothing else happens on the request path. Concurrent requests
 * of the process share that transaction (group commit), each answered on its own. A plain
 * function of parsed input and the caller, so any route (REST, tRPC, the shop's checkout) calls
 * it the same way.
 */
export async function placeOrder(db: Database, queue: StepQueue, request: PlaceOrderRequest): Promise<PlaceOrderResult> {
  const input = validateOrderInput(request.shopperId, request.body);
  const orderId = newId("ord");
  const accepted: AcceptedBody = { order_id: orderId, status: "pending", status_url: statusUrl(orderId) };
  const claim: KeyClaimRequest | undefined =
    request.idempotencyKey === undefined
      ? undefined
      : { shopperId: request.shopperId, key: request.idempotencyKey, requestHash: hashRequest(input), orderId, acceptedBody: accepted, holdSeconds: request.holdSeconds };
  // The order's trace starts here (under the caller's traceparent, when it sent one): its
  // context is stored with the order so every later step of it continues this trace.
  return inSpan("order.intake", { attributes: { "conveyor.order_id": orderId } }, () =>
    intakeGroup(db, queue).submit({ shopperId: request.shopperId, input, orderId, accepted, claim, traceParent: traceparentOf() ?? null }),
  );
}

/** One validated request on its way into a group's transaction. */
type Intake = { shopperId: string; input: PlaceOrderInput; orderId: string; accepted: AcceptedBody; claim?: KeyClaimRequest; batchId?: string; traceParent: string | null };

const MAX_GROUP_SIZE = 64;
const groups = new WeakMap<Database, WeakMap<StepQueue, IntakeGroup<Intake, PlaceOrderResult>>>();

function intakeGroup(db: Database, queue: StepQueue): IntakeGroup<Intake, PlaceOrderResult> {
  let byQueue = groups.get(db);
  if (!byQueue) groups.set(db, (byQueue = new WeakMap()));
  let group = byQueue.get(queue);
  if (!group) {
    const run = (intakes: Intake[]) => storeIntakesInSpan(db, queue, intakes);
    // Half the pool's connections at most, so the API-key lookups and reads of the same
    // process still find one.
    const inFlight = Math.max(1, Math.floor(env().DB_POOL_MAX / 2));
    group = new IntakeGroup(run, (intakes, err) => whenGroupFails(db, run, intakes, err), inFlight, MAX_GROUP_SIZE);
    byQueue.set(queue, group);
  }
  return group;
}

/**
 * The group's transaction failed as a whole. With the database gone, each member's fate is
 * unknown: a connection lost during COMMIT may follow a commit (decision 012), so each order is
 * looked up on a fresh connection and reported created if it is there. Any other error came
 * from some member's data: each member is run again alone, so only that one fails.
 */
async function whenGroupFails(
  db: Database,
  run: (intakes: Intake[]) => Promise<Settled<PlaceOrderResult>[]>,
  intakes: Intake[],
  err: unknown,
): Promise<Settled<PlaceOrderResult>[]> {
  if (isDatabaseUnavailable(err)) {
    return Promise.all(
      intakes.map(async (intake): Promise<Settled<PlaceOrderResult>> =>
        (await wasCommitted(db, intake.orderId)) ? { ok: true, value: { kind: "created", orderId: intake.orderId, accepted: intake.accepted } } : { ok: false, error: err },
      ),
    );
  }
  if (intakes.length === 1) return [{ ok: false, error: err }];
  const alone = async (intake: Intake): Promise<Settled<PlaceOrderResult>> => {
    const [settled] = await run([intake]).catch((error: unknown) => whenGroupFails(db, run, [intake], error));
    return settled!;
  };
  return Promise.all(intakes.map(alone));
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

/**
 * The group's transaction is one span, under the first member's intake and linked to every
 * other member's: each order's jobs still hang under its own intake (jobTraceFields).
 */
function storeIntakesInSpan(db: Database, queue: StepQueue, intakes: Intake[]): Promise<Settled<PlaceOrderResult>[]> {
  const [first, ...others] = intakes;
  const options = { parent: contextOf(first?.traceParent), links: others.flatMap((i) => linkTo(i.traceParent)), attributes: { "conveyor.intake.group_size": intakes.length } };
  return inSpan("order.intake.group", options, () => storeIntakes(db, queue, intakes));
}

/**
 * One group's transaction: read prices and claim keys for all, decide each member's answer
 * (created, replayed, or its own 409/422), then store every accepted order with its jobs and
 * give back the keys claimed for refused ones. A key sent twice in one group is claimed by the
 * first; the second is told it is in use, exactly as if it had come a moment later.
 */
async function storeIntakes(db: Database, queue: StepQueue, intakes: Intake[]): Promise<Settled<PlaceOrderResult>[]> {
  return db.transaction((tx) => storeIntakesInTx(tx, queue, intakes));
}

/**
 * Intake inside the caller's transaction, for orders a batch places (server/batches/): the same
 * two statements, prices and jobs as POST /api/orders, committed with whatever the caller
 * writes beside them (the batch line marked placed). Each order settles on its own (an unknown
 * SKU refuses that one); a failure of the statements themselves throws, for the caller's
 * transaction to roll back whole.
 */
export async function placeOrdersInTx(
  tx: Transaction,
  queue: StepQueue,
  shopperId: string,
  batchId: string,
  inputs: PlaceOrderInput[],
): Promise<Settled<PlaceOrderResult>[]> {
  return storeIntakesInTx(
    tx,
    queue,
    inputs.map((input) => {
      const orderId = newId("ord");
      // The batch's placing job is the active span: its orders continue that job's trace.
      return { shopperId, input, orderId, accepted: { order_id: orderId, status: "pending", status_url: statusUrl(orderId) }, batchId, traceParent: traceparentOf() ?? null };
    }),
  );
}

async function storeIntakesInTx(tx: Transaction, queue: StepQueue, intakes: Intake[]): Promise<Settled<PlaceOrderResult>[]> {
  const seenKeys = new Set<string>();
  const firstClaims = intakes.map((intake) => {
    if (!intake.claim) return undefined;
    const id = JSON.stringify([intake.claim.shopperId, intake.claim.key]);
    if (seenKeys.has(id)) return undefined;
    seenKeys.add(id);
    return intake.claim;
  });
  const claims = firstClaims.filter((c) => c !== undefined);
  const skus = [...new Set(intakes.flatMap((intake) => intake.input.items.map((i) => i.sku)))];
  const read = await readCatalogAndClaimKeys(tx, skus, claims);
  const claimOf = new Map(claims.map((c, i) => [c, read.claims[i]!]));

  const toStore: PendingOrder[] = [];
  const released: ReleasedClaim[] = [];
  const settled = intakes.map((intake, i): Settled<PlaceOrderResult> => {
    const first = firstClaims[i];
    const key: KeyClaim | undefined = intake.claim ? (first ? claimOf.get(first) : { kind: "busy" }) : undefined;
    try {
      if (key?.kind === "busy") throw keyInUse();
      if (key?.kind === "stored") return { ok: true, value: replay(key.stored, intake.claim!.requestHash) };
      toStore.push(pendingOrder(intake, read.catalog));
      return { ok: true, value: { kind: "created", orderId: intake.orderId, accepted: intake.accepted } };
    } catch (error) {
      if (key?.kind === "claimed") released.push({ shopperId: intake.shopperId, key: intake.claim!.key, orderId: intake.orderId });
      return { ok: false, error };
    }
  });
  if (toStore.length > 0 || released.length > 0) await storeOrders(tx, queue, toStore, released);
  return settled;
}

type PendingOrder = NewOrder & { order: Order };

/**
 * The order as intake will store it, priced from the catalog just read (never from the
 * client). `seq`, the timestamps and `labRunId` are the database's to fill in the insert; the
 * steps after `placed` take only the order's id from it (steps.ts).
 */
function pendingOrder({ shopperId, orderId, input, batchId, traceParent }: Intake, catalog: Map<string, CatalogEntry>): PendingOrder {
  assertKnownSkus(input, catalog);
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
    batchId: batchId ?? null,
    traceParent,
    paymentTraceParent: null,
    stockTraceParent: null,
    createdAt: now,
    updatedAt: now,
  };
  return { order, lines, eventId: newId("evt") };
}

/** One statement when the step queue can fold its jobs into it; else the insert, then `advance` per order. */
async function storeOrders(tx: Transaction, queue: StepQueue, pending: PendingOrder[], released: ReleasedClaim[]): Promise<void> {
  const jobs = pending.length > 0 ? queue.foldAdvance?.("placeOrder", "placed", pending.map(({ order }) => ({ order }))) : undefined;
  await insertOrders(tx, pending, jobs, released);
  if (!jobs) for (const { order } of pending) await queue.advance(tx, "placeOrder", "placed", { order });
}

function replay(existing: StoredKey, requestHash: string): PlaceOrderResult {
  if (existing.requestHash !== requestHash) throw idempotencyKeyReused();
  if (existing.held) throw keyInUse();
  return {
    kind: "replayed",
    orderId: existing.orderId,
    status: existing.responseStatus,
    body: existing.responseBody,
    preferenceApplied: existing.preferenceApplied,
  };
}

/** 409: another request with the key is still in its transaction (batches answer it too). */
export function keyInUse() {
  return conflict("idempotency_key_in_use", "A request with this Idempotency-Key is still being processed; retry shortly.");
}

/** 422: the key was used with another body (batches answer it too). */
export function idempotencyKeyReused() {
  return unprocessable("idempotency_key_reused", "This Idempotency-Key was already used with a different request body.");
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
