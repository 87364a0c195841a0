import "server-only";
import type { Shopper } from "@/server/db/schema";
import { forbidden, unauthorized } from "@/server/errors";
import type { ProcessServices } from "@/server/process-services";
import { createTRPCContext } from "@/server/trpc/init";

/**
 * Admin-only route handlers identify the caller exactly as the tRPC admin procedures do
 * (same context), so the two can never disagree: 401 for nobody, 403 for a shopper.
 */
export async function authorizeAdmin(services: ProcessServices, request: Request): Promise<Shopper> {
  const { shopper } = await createTRPCContext({ services, headers: request.headers });
  if (!shopper) throw unauthorized("Sign in as an admin.");
  if (shopper.role !== "admin") throw forbidden("Admins only.");
  return shopper;
}
