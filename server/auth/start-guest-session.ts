import "server-only";
import { eq } from "drizzle-orm";
import { describeWait } from "@/lib/describe-wait";
import type { DbOrTx } from "@/server/db/client";
import { shoppers, type Shopper } from "@/server/db/schema";
import { rateLimited } from "@/server/errors";
import { clientAddress } from "@/server/http/client-address";
import { retryAfterSeconds, type Budget } from "@/server/http/rate-limit";
import type { Auth } from "./auth";

/**
 * Makes a visitor without a session a guest shopper, at the moment they first need to exist
 * (their first cart or order; docs/decisions/026-lazy-guests-and-sign-in-limits.md): a
 * shopper row and a session, whose Set-Cookie headers the caller puts on its response. At
 * most GUEST_SESSIONS_PER_ADDRESS new guests per client address in 10 minutes, then a 429
 * with Retry-After — so minting guests is no way round the per-shopper request budget.
 */
export async function startGuestSession(db: DbOrTx, auth: Auth, guests: Budget, headers: Headers): Promise<{ shopper: Shopper; setCookies: string[] }> {
  const refillsInMs = await guests.spend(clientAddress(headers));
  if (refillsInMs !== null) {
    const seconds = retryAfterSeconds(refillsInMs);
    throw rateLimited(seconds, `Too many new guest shoppers from your network. Try again in ${describeWait(seconds)}, or sign in.`);
  }
  // The visitor's cookie (if any) names no live session, so it is not sent: better-auth
  // would otherwise look it up again.
  const request = new Headers(headers);
  request.delete("cookie");
  const { headers: responseHeaders, response } = await auth.api.signInAnonymous({ headers: request, returnHeaders: true });
  const [shopper] = await db.select().from(shoppers).where(eq(shoppers.id, response.user.id));
  if (!shopper) throw new Error(`The new guest ${response.user.id} is not in shoppers.`);
  return { shopper, setCookies: responseHeaders.getSetCookie() };
}
