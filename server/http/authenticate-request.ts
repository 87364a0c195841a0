import "server-only";
import { getDb } from "@/server/db/client";
import type { Shopper } from "@/server/db/schema";
import { authenticateApiKey } from "@/server/auth/api-keys";
import { unauthorized } from "@/server/errors";
import { enforceRateLimit } from "./rate-limit";

/**
 * The REST API's caller: `Authorization: Bearer <api key>`. Each authenticated shopper then
 * spends from their rate-limit budget (429 with Retry-After when empty).
 */
export async function authenticateRequest(request: Request): Promise<Shopper> {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match?.[1]) throw unauthorized("Send Authorization: Bearer <api key>.");
  const shopper = await authenticateApiKey(getDb(), match[1]);
  if (!shopper) throw unauthorized("The API key is not valid.");
  await enforceRateLimit(shopper.id);
  return shopper;
}
