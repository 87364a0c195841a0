import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { idempotencyKeySchema } from "@/lib/contract";
import { badRequest } from "@/server/errors";
import { json } from "@/server/http/api-response";
import { authenticateRequest } from "@/server/http/authenticate-request";
import { parsePreferWait } from "@/server/http/prefer-wait";
import { readJsonBody } from "@/server/http/read-json-body";
import { loadOrderView } from "@/server/orders/order-view";
import { placeOrder, recordIdempotentResponse, statusUrl } from "@/server/orders/place-order";
import { waitForSettled } from "@/server/orders/wait-for-settled";
import type { ProcessServices } from "@/server/process-services";
import { webRequestOf, writeWebResponse } from "./node-adapter";
import { loggerFor } from "@/server/logging/logger";

const log = loggerFor("api");

/**
 * POST /api/orders — 202 + status URL, or 201 with the order when `Prefer: wait=N` saw it settle.
 * Served on node:http (decision 022: intake's own work is a fraction of what Next's
 * per-request handling cost).
 */
async function postOrder(services: ProcessServices, request: Request): Promise<Response> {
  const shopper = await authenticateRequest(services, request);
  const idempotencyKey = request.headers.get("idempotency-key") ?? undefined;
  if (idempotencyKey !== undefined && !idempotencyKeySchema.safeParse(idempotencyKey).success) {
    throw badRequest("Idempotency-Key must be 1 to 255 characters.");
  }
  const wait = parsePreferWait(request.headers.get("prefer"));
  const body = await readJsonBody(request);
  const db = services.db;
  const result = await placeOrder(db, (await services.jobs()).steps, { shopperId: shopper.id, body, idempotencyKey, holdSeconds: wait });

  if (result.kind === "replayed") {
    const headers: Record<string, string> = { Location: statusUrl(result.orderId), "Idempotent-Replayed": "true" };
    if (result.preferenceApplied) headers["Preference-Applied"] = result.preferenceApplied;
    return json(result.status, result.body, headers);
  }
  log.debug({ order_id: result.orderId }, "order accepted");
  const location = { Location: statusUrl(result.orderId) };
  if (wait === undefined || wait === 0) return json(202, result.accepted, location);

  try {
    const settled = await waitForSettled(db, services.hub, result.orderId, wait);
    const [status, responseBody] = settled ? [201, (await loadOrderView(db, result.orderId))!] : [202, result.accepted];
    const preferenceApplied = settled ? `wait=${wait}` : null;
    if (idempotencyKey !== undefined) await recordIdempotentResponse(db, shopper.id, idempotencyKey, status, responseBody, preferenceApplied);
    return json(status, responseBody, { ...location, ...(preferenceApplied ? { "Preference-Applied": preferenceApplied } : {}) });
  } catch (err) {
    // The order is committed: what the client is owed is its 202, never an error saying nothing
    // was written (it would retry into a duplicate). The key's row still holds that 202 body,
    // which is what a replay answers once the hold lapses.
    log.error({ err, order_id: result.orderId }, "order stored, answering 202 after a failure while waiting");
    return json(202, result.accepted, location);
  }
}

export async function servePostOrder(services: ProcessServices, req: IncomingMessage, res: ServerResponse): Promise<void> {
  await writeWebResponse(res, await postOrder(services, webRequestOf(req, { withBody: true })));
}
