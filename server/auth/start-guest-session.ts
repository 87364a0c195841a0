import "server-only";
import { eq } from "drizzle-orm";
import { describeWait } from "@/lib/describe-wait";
import type { DbOrTx } from "@/server/db/client";
import { shoppers, type Shopper } from "@/server/db/schema";
import { env } from "@/server/env";
import { rateLimited } from "@/server/errors";
import { clientAddress } from "@/server/http/client-address";
import { createBudget, retryAfterSeconds, type Budget } from "@/server/http/rate-limit";
import { getAuth } from "./auth";

/** New guests per client address are counted over this window. */
export const GUEST_WINDOW_SECONDS = 10 * 60;

/** One budget per process, on globalThis: both module graphs of the web process share it. */
const globalForGuests = globalThis as unknown as { conveyorGuestBudget?: Budget };

function guestBudget(): Budget {
  globalForGuests.conveyorGuestBudget ??= createBudget(env().GUEST_SESSIONS_PER_ADDRESS, GUEST_WINDOW_SECONDS);
  return globalForGuests.conveyorGuestBudget;
}

/**
 * Makes a visitor without a session a guest shopper, at the moment they first need to exist
 * (their first cart or order; docs/decisions/026-lazy-guests-and-sign-in-limits.md): a
 * shopper row and a session, whose Set-Cookie headers the caller puts on its response. At
 * most GUEST_SESSIONS_PER_ADDRESS new guests per client address in 10 minutes, then a 429
 * with Retry-After — so minting guests is no way round the per-shopper request budget.
 */
export async function startGuestSession(db: DbOrTx, headers: Headers): Promise<{ shopper: Shopper; setCookies: string[] }> {
  const refillsInMs = await guestBudget().spend(clientAddress(headers));
  if (refillsInMs !== null) {
    const seconds = retryAfterSeconds(refillsInMs);
    throw rateLimited(seconds, `Too many new guest shoppers from your network. Try again in ${describeWait(seconds)}, or sign in.`);
  }
  // The visitor's cookie (if any) names no live session, so it is not sent: better-auth
  // would otherwise look it up again.
  const request = new Headers(headers);
  request.delete("cookie");
  const { headers: responseHeaders, response } = await getAuth().api.signInAnonymous({ headers: request, returnHeaders: true });
  const [shopper] = await db.select().from(shoppers).where(eq(shoppers.id, response.user.id));
  if (!shopper) throw new Error(`The new guest ${response.user.id} is not in shoppers.`);
  return { shopper, setCookies: responseHeaders.getSetCookie() };
}
