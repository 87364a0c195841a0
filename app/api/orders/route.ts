import { getDb } from "@/server/db/client";
import { apiRoute, json } from "@/server/http/api-response";
import { authenticateRequest } from "@/server/http/authenticate-request";
import { badRequest } from "@/server/errors";
import { listOrders } from "@/server/orders/list-orders";
import { methodsOtherThan } from "@/server/http/method-not-allowed";
import { postOrder } from "@/web/post-order";

export const dynamic = "force-dynamic";
export const { PUT, PATCH, DELETE } = methodsOtherThan("GET", "POST");

/**
 * POST /api/orders — the web process serves it natively (decision 022); this export is the
 * same handler, and it keeps POST in the Allow list Next answers for this path's OPTIONS.
 */
export const POST = postOrder;

/** GET /api/orders — the caller's orders, newest first, cursor-paginated. */
export const GET = apiRoute(async (request: Request) => {
  const shopper = await authenticateRequest(request);
  const params = new URL(request.url).searchParams;
  const limitText = params.get("limit");
  const limit = limitText === null ? undefined : Number(limitText);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 100)) throw badRequest("limit must be a whole number from 1 to 100.");
  return json(200, await listOrders(getDb(), shopper.id, { cursor: params.get("cursor"), limit }));
});
