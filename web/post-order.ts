import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { webStepQueue } from "@/jobs/step-queue";
import { idempotencyKeySchema } from "@/lib/contract";
import { getDb } from "@/server/db/client";
import { badRequest } from "@/server/errors";
import { apiRoute, json } from "@/server/http/api-response";
import { authenticateRequest } from "@/server/http/authenticate-request";
import { parsePreferWait } from "@/server/http/prefer-wait";
import { readJsonBody } from "@/server/http/read-json-body";
import { loadOrderView } from "@/server/orders/order-view";
import { placeOrder, recordIdempotentResponse, statusUrl } from "@/server/orders/place-order";
import { waitForSettled } from "@/server/orders/wait-for-settled";
import { webRequestOf, writeWebResponse } from "./node-adapter";

/**
 * POST /api/orders — 202 + status URL, or 201 with the order when `Prefer: wait=N` saw it settle.
 * One implementation (decision 022): the web process serves it natively (servePostOrder,
 * below: intake's own work is a fraction of what Next's per-request handling costs), and
 * app/api/orders/route.ts exports the same handler. Failures answer with the contract's
 * error body (apiRoute).
 */
export const postOrder = apiRoute(async (request: Request) => {
  const shopper = await authenticateRequest(request);
  const idempotencyKey = request.headers.get("idempotency-key") ?? undefined;
  if (idempotencyKey !== undefined && !idempotencyKeySchema.safeParse(idempotencyKey).success) {
    throw badRequest("Idempotency-Key must be 1 to 255 characters.");
  }
  const wait = parsePreferWait(request.headers.get("prefer"));
  const body = await readJsonBody(request);
  const db = getDb();
  const result = await placeOrder(db, await webStepQueue(), { shopperId: shopper.id, body, idempotencyKey, holdSeconds: wait });

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

/** POST /api/orders on the web process's node:http server (web/serve-native-route.ts). */
export async function servePostOrder(req: IncomingMessage, res: ServerResponse): Promise<void> {
  await writeWebResponse(res, await postOrder(webRequestOf(req, { withBody: true }), undefined));
}
