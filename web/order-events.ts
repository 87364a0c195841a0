import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ORDER_ID_PATTERN } from "@/lib/contract";
import { badRequest } from "@/server/errors";
import { authenticateRequest } from "@/server/http/authenticate-request";
import { clientAddress } from "@/server/http/client-address";
import { findShoppersOrder } from "@/server/orders/get-order";
import { streamOrderEvents } from "@/server/realtime/order-event-stream";
import { MAX_STREAMED_ORDERS, ownedOrderIds, streamShopperOrders } from "@/server/realtime/shopper-orders-stream";
import { takeStreamSlot } from "@/server/realtime/stream-slots";
import type { ProcessServices } from "@/server/process-services";
import { webRequestOf } from "./node-adapter";

/** GET /api/orders/{id}/events — Server-Sent Events of the order's status (docs/api.md). */
export async function serveOrderEvents(services: ProcessServices, req: IncomingMessage, res: ServerResponse, orderId: string): Promise<void> {
  const request = webRequestOf(req);
  const shopper = await authenticateRequest(services, request);
  const db = services.db;
  const order = await findShoppersOrder(db, shopper.id, orderId); // 404 before any stream is opened
  holdStreamSlot(res, takeStreamSlot(services.streamSlots, shopper.id, clientAddress(request.headers)));
  await streamOrderEvents(res, db, orderId, { lastEventId: request.headers.get("last-event-id"), traceParent: order.traceParent, ...streamOptions(services) });
}

/**
 * GET /api/orders/events?ids=ord_a,ord_b — one SSE stream for several of the caller's
 * orders (the storefront opens one per page). Same events as /api/orders/{id}/events.
 */
export async function serveShopperOrdersEvents(services: ProcessServices, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const request = webRequestOf(req);
  const shopper = await authenticateRequest(services, request);
  const ids = (new URL(request.url).searchParams.get("ids") ?? "").split(",").filter(Boolean);
  if (ids.length > MAX_STREAMED_ORDERS || !ids.every((id) => ORDER_ID_PATTERN.test(id))) {
    throw badRequest(`ids must be up to ${MAX_STREAMED_ORDERS} comma-separated order ids.`);
  }
  const db = services.db;
  const owned = await ownedOrderIds(db, shopper.id, ids);
  holdStreamSlot(res, takeStreamSlot(services.streamSlots, shopper.id, clientAddress(request.headers)));
  await streamShopperOrders(res, db, owned.ids, { ...streamOptions(services), traceParents: owned.traceParents });
}

function streamOptions({ config, hub, heartbeats }: ProcessServices) {
  return { heartbeatSeconds: config.SSE_HEARTBEAT_SECONDS, maxIdleSeconds: config.SSE_MAX_IDLE_SECONDS, hub, heartbeats };
}

/**
 * The slot is the response's for as long as it lasts: `close` fires however it ends (a final
 * status, the idle limit, a failure, the client leaving); a client that left while we
 * authenticated has already closed it.
 */
function holdStreamSlot(res: ServerResponse, release: () => void): void {
  if (res.closed) release();
  else res.once("close", release);
}
