import { getDb } from "@/server/db/client";
import { DownstreamError } from "@/server/downstream/call-service";
import { AppError } from "@/server/errors";
import { apiRoute, json } from "@/server/http/api-response";
import { authenticateRequest } from "@/server/http/authenticate-request";
import { methodsOtherThan } from "@/server/http/method-not-allowed";
import { directCheckout } from "@/server/lab/direct-checkout";

export const dynamic = "force-dynamic";
export const { GET, PUT, PATCH, DELETE } = methodsOtherThan("POST");

/** POST /api/lab/direct-checkout — lab only: a synchronous payment → fraud → risk chain. */
export const POST = apiRoute(async (request: Request) => {
  const shopper = await authenticateRequest(request);
  try {
    return json(200, await directCheckout(getDb(), shopper));
  } catch (err) {
    if (err instanceof DownstreamError) throw new AppError(502, "downstream_failed", err.message);
    throw err;
  }
});
