import "server-only";
import type { Shopper } from "@/server/db/schema";
import { authenticateApiKey } from "@/server/auth/api-keys";
import { shopperFromSession } from "@/server/auth/session-shopper";
import { unauthorized } from "@/server/errors";
import { assertSameSiteMutation } from "./cross-site";
import type { ProcessServices } from "@/server/process-services";

/**
 * The REST API's caller: `Authorization: Bearer <api key>`, else the browser session cookie
 * (whose mutations must come from our own pages). Each authenticated shopper then spends
 * from their rate-limit budget (429 with Retry-After when empty).
 */
export async function authenticateRequest(services: ProcessServices, request: Request): Promise<Shopper> {
  const header = request.headers.get("authorization") ?? "";
  let shopper: Shopper | undefined | null;
  if (header.trim()) {
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!match?.[1]) throw unauthorized("Send Authorization: Bearer <api key>.");
    shopper = await authenticateApiKey(services.db, match[1]);
    if (!shopper) throw unauthorized("The API key is not valid.");
  } else {
    shopper = await shopperFromSession(services.auth, request.headers);
    if (!shopper) throw unauthorized("Send Authorization: Bearer <api key>, or sign in.");
    assertSameSiteMutation(request.method, request.headers);
  }
  await services.limits.spendRequest(shopper.id);
  return shopper;
}
