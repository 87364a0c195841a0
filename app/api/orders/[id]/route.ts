import { getDb } from "@/server/db/client";
import { apiRoute, json } from "@/server/http/api-response";
import { authenticateRequest } from "@/server/http/authenticate-request";
import { getOrder } from "@/server/orders/get-order";
import { methodsOtherThan } from "@/server/http/method-not-allowed";

export const dynamic = "force-dynamic";
export const { POST, PUT, PATCH, DELETE } = methodsOtherThan("GET");

type Context = { params: Promise<{ id: string }> };

/** GET /api/orders/{id} — 404 also for someone else's order. */
export const GET = apiRoute(async (request: Request, { params }: Context) => {
  const shopper = await authenticateRequest(request);
  const { id } = await params;
  return json(200, await getOrder(getDb(), shopper.id, id));
});
