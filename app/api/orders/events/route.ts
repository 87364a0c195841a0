import { ORDER_ID_PATTERN } from "@/lib/contract";
import { getDb } from "@/server/db/client";
import { env } from "@/server/env";
import { badRequest } from "@/server/errors";
import { apiRoute } from "@/server/http/api-response";
import { authenticateRequest } from "@/server/http/authenticate-request";
import { methodsOtherThan } from "@/server/http/method-not-allowed";
import { sseResponse } from "@/server/http/sse-response";
import { MAX_STREAMED_ORDERS, ownedOrderIds, shopperOrdersStream } from "@/server/realtime/shopper-orders-stream";

export const dynamic = "force-dynamic";
export const { POST, PUT, PATCH, DELETE } = methodsOtherThan("GET");

/**
 * GET /api/orders/events?ids=ord_a,ord_b — one SSE stream for several of the caller's
 * orders (the storefront opens one per page). Same events as /api/orders/{id}/events.
 */
export const GET = apiRoute(async (request: Request) => {
  const shopper = await authenticateRequest(request);
  const ids = (new URL(request.url).searchParams.get("ids") ?? "").split(",").filter(Boolean);
  if (ids.length > MAX_STREAMED_ORDERS || !ids.every((id) => ORDER_ID_PATTERN.test(id))) {
    throw badRequest(`ids must be up to ${MAX_STREAMED_ORDERS} comma-separated order ids.`);
  }
  const db = getDb();
  const owned = await ownedOrderIds(db, shopper.id, ids);
  return sseResponse(shopperOrdersStream(db, owned, { heartbeatSeconds: env().SSE_HEARTBEAT_SECONDS, signal: request.signal }));
});
