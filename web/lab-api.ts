import "server-only";
import { DownstreamError } from "@/server/downstream/call-service";
import { AppError } from "@/server/errors";
import { json } from "@/server/http/api-response";
import { authenticateRequest } from "@/server/http/authenticate-request";
import { directCheckout } from "@/server/lab/direct-checkout";
import type { ProcessServices } from "@/server/process-services";

/** POST /api/lab/direct-checkout — lab only: a synchronous payment → fraud → risk chain. */
export async function serveDirectCheckout(services: ProcessServices, request: Request): Promise<Response> {
  const shopper = await authenticateRequest(services, request);
  try {
    return json(200, await directCheckout(services.db, shopper));
  } catch (err) {
    if (err instanceof DownstreamError) throw new AppError(502, "downstream_failed", err.message);
    throw err;
  }
}
