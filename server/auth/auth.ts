import "server-only";
import { betterAuth, type BetterAuthOptions } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { APIError } from "better-auth/api";
import { verifyPassword } from "better-auth/crypto";
import { admin, anonymous } from "better-auth/plugins";
import { MAX_NAME_LENGTH } from "@/lib/limits";
import type { Database } from "@/server/db/client";
import { authAccounts, authSessions, authVerifications, shoppers } from "@/server/db/schema";
import type { Env } from "@/server/env";
import { newId } from "@/server/ids";
import { adoptGuestShopper } from "./adopt-guest-shopper";
import { hashStrongPassword } from "./password-strength";
import { perAccountHooks, perAddressRateLimit, PINNED_ADDRESS_HEADER } from "./sign-in-limits";

const ID_PREFIX = { user: "usr", session: "ses", account: "acc", verification: "vfy" } as const;

/**
 * How the session cookie is named and flagged. Over https (APP_URL's scheme: behind a
 * TLS-terminating proxy APP_URL is the public https URL, which better-auth's origin check
 * needs anyway) it is `Secure` and named `__Host-…`, so the browser refuses it without
 * Secure, with a Domain or off `Path=/` — no subdomain or plain-http page can plant or
 * shadow it. Over plain http (development, tests on 127.0.0.1) neither applies: a browser
 * drops Secure cookies there. better-auth's own switch would only give `__Secure-`, so its
 * prefix is turned off and ours set.
 */
export function sessionCookieOptions(appUrl: string): Pick<NonNullable<BetterAuthOptions["advanced"]>, "useSecureCookies" | "cookiePrefix" | "defaultCookieAttributes"> {
  const https = new URL(appUrl).protocol === "https:";
  return {
    useSecureCookies: false,
    cookiePrefix: https ? "__Host-better-auth" : "better-auth",
    defaultCookieAttributes: { secure: https, httpOnly: true, sameSite: "lax", path: "/" },
  };
}

/** better-auth over our database, for one process (getAuth) or a test. */
export function createAuth(config: Env, db: Database) {
  const limits = { perAddress: config.SIGN_IN_ATTEMPTS_PER_ADDRESS, perAccount: config.SIGN_IN_ATTEMPTS_PER_ACCOUNT, signUpsPerAddress: config.SIGN_UPS_PER_ADDRESS };
  return betterAuth({
    appName: "Conveyor",
    baseURL: config.APP_URL,
    secret: config.BETTER_AUTH_SECRET,
    trustedOrigins: [new URL(config.APP_URL).origin],
    database: drizzleAdapter(db, {
      provider: "pg",
      schema: { user: shoppers, session: authSessions, account: authAccounts, verification: authVerifications },
    }),
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 8,
      maxPasswordLength: 128,
      // Sign-up signs the shopper in at once, so better-auth answers an address already taken
      // with its own error: which addresses have accounts is visible, at sign-up's per-address
      // rate (docs/security.md, "Passwords and account discovery").
      autoSignIn: true,
      password: { hash: hashStrongPassword, verify: verifyPassword },
    },
    rateLimit: perAddressRateLimit(limits),
    hooks: perAccountHooks(limits.perAccount),
    // Guests start server-side, when they first need to exist (start-guest-session.ts), under
    // a per-address budget; nobody else may mint them.
    disabledPaths: ["/sign-in/anonymous"],
    // better-auth takes any length of name; the account page and the admin lists show it.
    databaseHooks: { user: { create: { before: refuseLongName }, update: { before: refuseLongName } } },
    advanced: {
      ...sessionCookieOptions(config.APP_URL),
      ipAddress: PINNED_ADDRESS_HEADER,
      // One identity for API keys and cookies: better-auth's users are the API's `usr_…` shoppers.
      database: { generateId: ({ model }) => newId(ID_PREFIX[model as keyof typeof ID_PREFIX] ?? "usr") },
    },
    plugins: [
      anonymous({
        emailDomainName: "guest.conveyor.invalid",
        generateName: () => "Guest",
        // Runs before the guest row is deleted: its cart and orders move to the account.
        onLinkAccount: ({ anonymousUser, newUser }) => adoptGuestShopper(db, anonymousUser.user.id, newUser.user.id),
      }),
      admin({ defaultRole: "shopper", adminRoles: ["admin"] }),
    ],
  });
}

async function refuseLongName(user: { name?: unknown }): Promise<void> {
  if (typeof user.name === "string" && user.name.length > MAX_NAME_LENGTH) {
    throw new APIError("BAD_REQUEST", { message: `The name must be at most ${MAX_NAME_LENGTH} characters.` });
  }
}

export type Auth = ReturnType<typeof createAuth>;
