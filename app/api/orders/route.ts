import { getBoss } from "@/jobs/boss";
import { getDb } from "@/server/db/client";
import { apiRoute, json } from "@/server/http/api-response";
import { authenticateRequest } from "@/server/http/authenticate-request";
import { parsePreferWait } from "@/server/http/prefer-wait";
import { readJsonBody } from "@/server/http/read-json-body";
import { idempotencyKeySchema } from "@/lib/contract";
import { badRequest } from "@/server/errors";
import { listOrders } from "@/server/orders/list-orders";
import { loadOrderView } from "@/server/orders/order-view";
import { placeOrder, recordIdempotentResponse, statusUrl } from "@/server/orders/place-order";
import { waitForSettled } from "@/server/orders/wait-for-settled";
import { methodsOtherThan } from "@/server/http/method-not-allowed";

export const dynamic = "force-dynamic";
export const { PUT, PATCH, DELETE } = methodsOtherThan("GET", "POST");

/** POST /api/orders — 202 + status URL, or 201 with the order when `Prefer: wait=N` saw it settle. */
export const POST = apiRoute(async (request: Request) => {
  const shopper = await authenticateRequest(request);
  const idempotencyKey = request.headers.get("idempotency-key") ?? undefined;
  if (idempotencyKey !== undefined && !idempotencyKeySchema.safeParse(idempotencyKey).success) {
    throw badRequest("Idempotency-Key must be 1 to 255 characters.");
  }
  const wait = parsePreferWait(request.headers.get("prefer"));
  const body = await readJsonBody(request);
  const db = getDb();
  const result = await placeOrder(db, await getBoss(), { shopperId: shopper.id, body, idempotencyKey, holdSeconds: wait });

  if (result.kind === "replayed") {
    const headers: Record<string, string> = { Location: statusUrl(result.orderId), "Idempotent-Replayed": "true" };
    if (result.preferenceApplied) headers["Preference-Applied"] = result.preferenceApplied;
    return json(result.status, result.body, headers);
  }
  const location = { Location: statusUrl(result.orderId) };
  if (wait === undefined || wait === 0) return json(202, result.accepted, location);

  try {
    const settled = await waitForSettled(db, result.orderId, wait);
    const [status, responseBody] = settled ? [201, (await loadOrderView(db, result.orderId))!] : [202, result.accepted];
    const preferenceApplied = settled ? `wait=${wait}` : null;
    if (idempotencyKey !== undefined) await recordIdempotentResponse(db, shopper.id, idempotencyKey, status, responseBody, preferenceApplied);
    return json(status, responseBody, { ...location, ...(preferenceApplied ? { "Preference-Applied": preferenceApplied } : {}) });
  } catch (err) {
    // The order is committed: what the client is owed is its 202, never an error saying nothing
    // was written (it would retry into a duplicate). The key's row still holds that 202 body,
    // which is what a replay answers once the hold lapses.
    console.error(`[api] order ${result.orderId} stored, answering 202 after a failure while waiting:`, (err as Error).message);
    return json(202, result.accepted, location);
  }
});

/** GET /api/orders — the caller's orders, newest first, cursor-paginated. */
export const GET = apiRoute(async (request: Request) => {
  const shopper = await authenticateRequest(request);
  const params = new URL(request.url).searchParams;
  const limitText = params.get("limit");
  const limit = limitText === null ? undefined : Number(limitText);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 100)) throw badRequest("limit must be a whole number from 1 to 100.");
  return json(200, await listOrders(getDb(), shopper.id, { cursor: params.get("cursor"), limit }));
});
