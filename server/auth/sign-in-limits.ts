import "server-only";
import type { BetterAuthOptions } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { describeWait } from "@/lib/describe-wait";
import { createBudget, retryAfterSeconds } from "@/server/http/rate-limit";

/** Sign-in and sign-up attempts are counted over this window (docs/security.md). */
export const SIGN_IN_WINDOW_SECONDS = 15 * 60;

export type SignInLimits = { perAddress: number; perAccount: number; signUpsPerAddress: number };

/**
 * Per client address: better-auth's own limiter, on in every mode (the library leaves it off
 * outside production). It keys on X-Forwarded-For, which the web server rewrites at the
 * socket to the one address it trusts (web/client-address.ts), so a client cannot choose it.
 * Guests are never signed in over HTTP: their sessions start server-side, under a budget of
 * their own (start-guest-session.ts), so the anonymous endpoint is switched off in auth.ts.
 */
export function perAddressRateLimit(limits: SignInLimits): NonNullable<BetterAuthOptions["rateLimit"]> {
  return {
    enabled: true,
    storage: "memory",
    customRules: {
      "/sign-in/email": { window: SIGN_IN_WINDOW_SECONDS, max: limits.perAddress },
      "/sign-up/email": { window: SIGN_IN_WINDOW_SECONDS, max: limits.signUpsPerAddress },
    },
  };
}

/** better-auth's own IP options: read only the header the web server pinned. */
export const PINNED_ADDRESS_HEADER = { ipAddressHeaders: ["x-forwarded-for"] };

const SIGN_IN_PATH = "/sign-in/email";

/**
 * Per account (email), whatever address the attempts come from: each sign-in spends one
 * attempt before the password is checked, and a successful one gives it back, so only
 * failures add up. Once the account's budget is spent every attempt is a 429 — the right
 * password too — until the window that began with its first counted attempt is over. The
 * count is kept for any email, registered or not, so a 429 says nothing about whether an
 * account exists.
 */
export function perAccountHooks(perAccount: number): NonNullable<BetterAuthOptions["hooks"]> {
  const attempts = createBudget(perAccount, SIGN_IN_WINDOW_SECONDS);
  return {
    before: createAuthMiddleware(async (ctx) => {
      if (ctx.path !== SIGN_IN_PATH) return;
      const account = accountKey(ctx.body);
      if (!account) return;
      const refillsInMs = await attempts.spend(account);
      if (refillsInMs === null) return;
      const seconds = retryAfterSeconds(refillsInMs);
      throw new APIError(
        "TOO_MANY_REQUESTS",
        { code: "TOO_MANY_SIGN_IN_ATTEMPTS", message: `Too many sign-in attempts for this account. Try again in ${describeWait(seconds)}.` },
        { "Retry-After": String(seconds) },
      );
    }),
    after: createAuthMiddleware(async (ctx) => {
      if (ctx.path !== SIGN_IN_PATH || !ctx.context.newSession) return;
      const account = accountKey(ctx.body);
      if (account) await attempts.refund(account);
    }),
  };
}

function accountKey(body: unknown): string | undefined {
  const email = (body as { email?: unknown } | undefined)?.email;
  return typeof email === "string" && email.trim() ? email.trim().toLowerCase() : undefined;
}
