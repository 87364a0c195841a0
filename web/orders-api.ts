import "server-only";
import { badRequest } from "@/server/errors";
import { json } from "@/server/http/api-response";
import { authenticateRequest } from "@/server/http/authenticate-request";
import { cancelOrder } from "@/server/orders/cancel-order";
import { getOrder } from "@/server/orders/get-order";
import { listOrders } from "@/server/orders/list-orders";
import type { ProcessServices } from "@/server/process-services";

/** GET /api/orders — the caller's orders, newest first, cursor-paginated. */
export async function serveListOrders(services: ProcessServices, request: Request): Promise<Response> {
  const shopper = await authenticateRequest(services, request);
  const params = new URL(request.url).searchParams;
  const limitText = params.get("limit");
  const limit = limitText === null ? undefined : Number(limitText);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 100)) throw badRequest("limit must be a whole number from 1 to 100.");
  return json(200, await listOrders(services.db, shopper.id, { cursor: params.get("cursor"), limit }));
}

/** GET /api/orders/{id} — 404 also for someone else's order. */
export async function serveGetOrder(services: ProcessServices, request: Request, orderId: string): Promise<Response> {
  const shopper = await authenticateRequest(services, request);
  return json(200, await getOrder(services.db, shopper.id, orderId));
}

/** POST /api/orders/{id}/cancel — 200 with the cancelled order (again, if already cancelled); 409 once final. */
export async function serveCancelOrder(services: ProcessServices, request: Request, orderId: string): Promise<Response> {
  const shopper = await authenticateRequest(services, request);
  return json(200, await cancelOrder(services.db, (await services.jobs()).steps, shopper.id, orderId));
}
