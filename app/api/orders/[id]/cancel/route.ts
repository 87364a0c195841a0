import { webStepQueue } from "@/jobs/step-queue";
import { getDb } from "@/server/db/client";
import { apiRoute, json } from "@/server/http/api-response";
import { authenticateRequest } from "@/server/http/authenticate-request";
import { cancelOrder } from "@/server/orders/cancel-order";
import { methodsOtherThan } from "@/server/http/method-not-allowed";

export const dynamic = "force-dynamic";
export const { GET, PUT, PATCH, DELETE } = methodsOtherThan("POST");

type Context = { params: Promise<{ id: string }> };

/** POST /api/orders/{id}/cancel — 200 with the cancelled order (again, if already cancelled); 409 once final. */
export const POST = apiRoute(async (request: Request, { params }: Context) => {
  const shopper = await authenticateRequest(request);
  const { id } = await params;
  return json(200, await cancelOrder(getDb(), await webStepQueue(), shopper.id, id));
});
