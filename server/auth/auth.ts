import "server-only";
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { APIError } from "better-auth/api";
import { admin, anonymous } from "better-auth/plugins";
import { MAX_NAME_LENGTH } from "@/lib/limits";
import { getDb } from "@/server/db/client";
import { authAccounts, authSessions, authVerifications, shoppers } from "@/server/db/schema";
import { env } from "@/server/env";
import { newId } from "@/server/ids";
import { adoptGuestShopper } from "./adopt-guest-shopper";

const ID_PREFIX = { user: "usr", session: "ses", account: "acc", verification: "vfy" } as const;

function createAuth() {
  const config = env();
  return betterAuth({
    appName: "Conveyor",
    baseURL: config.APP_URL,
    secret: config.BETTER_AUTH_SECRET,
    trustedOrigins: [new URL(config.APP_URL).origin],
    database: drizzleAdapter(getDb(), {
      provider: "pg",
      schema: { user: shoppers, session: authSessions, account: authAccounts, verification: authVerifications },
    }),
    emailAndPassword: { enabled: true, minPasswordLength: 8, autoSignIn: true },
    // better-auth takes any length of name; the account page and the admin lists show it.
    databaseHooks: { user: { create: { before: refuseLongName }, update: { before: refuseLongName } } },
    advanced: {
      // One identity for API keys and cookies: better-auth's users are the API's `usr_…` shoppers.
      database: { generateId: ({ model }) => newId(ID_PREFIX[model as keyof typeof ID_PREFIX] ?? "usr") },
    },
    plugins: [
      anonymous({
        emailDomainName: "guest.conveyor.invalid",
        generateName: () => "Guest",
        // Runs before the guest row is deleted: its cart and orders move to the account.
        onLinkAccount: ({ anonymousUser, newUser }) => adoptGuestShopper(getDb(), anonymousUser.user.id, newUser.user.id),
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

type Auth = ReturnType<typeof createAuth>;
const globalForAuth = globalThis as unknown as { conveyorAuth?: Auth };

/** Created on first use, so importing this module needs no database or configuration. */
export function getAuth(): Auth {
  globalForAuth.conveyorAuth ??= createAuth();
  return globalForAuth.conveyorAuth;
}
