import "server-only";
import { makeSignature } from "better-auth/crypto";
import { eq } from "drizzle-orm";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { createApiKey } from "@/server/auth/api-keys";
import type { Auth } from "@/server/auth/auth";
import type { Database } from "@/server/db/client";
import { shoppers } from "@/server/db/schema";
import { conflict } from "@/server/errors";
import { json } from "@/server/http/api-response";
import { parseInput, readOptionalJsonBody, type TestControl } from "./test-control";

/** A cookie as Playwright's `context.addCookies` takes it. */
export type TestCookie = {
  name: string;
  value: string;
  domain: string;
  path: string;
  httpOnly: boolean;
  secure: boolean;
  sameSite: "Strict" | "Lax" | "None";
  /** Unix seconds. */
  expires: number;
};

export type TestShopper = { user_id: string; api_key: string; cookies: TestCookie[] };


const inputSchema = z.object({ email: z.string().trim().toLowerCase().email().max(254).optional() }).strict();

/**
 * A signed-in shopper account (not a guest) for one test: a new API key and a new browser
 * session, whose cookie is the one signing in would set. `email` defaults to a random one; an
 * account that exists already is that shopper again, with a new key and session; the email
 * of an admin or a guest is a 409. The session is better-auth's own, created by its internal
 * adapter as sign-in creates it, and the cookie is signed as better-auth signs it
 * (`<token>.<HMAC-SHA256 of the token keyed with BETTER_AUTH_SECRET>`, URI-encoded), so the
 * app reads it exactly like one from the sign-in page.
 */
export async function createTestShopper(db: Database, auth: Auth, input: { email?: string }, cookieDomain: string): Promise<TestShopper> {
  const email = input.email ?? `shopper-${randomBytes(8).toString("hex")}@example.test`;
  const [existing] = await db.select({ role: shoppers.role, isAnonymous: shoppers.isAnonymous }).from(shoppers).where(eq(shoppers.email, email));
  if (existing && (existing.role === "admin" || existing.isAnonymous)) {
    throw conflict("email_in_use", "That email belongs to an admin or a guest, not to a shopper account.");
  }
  const { shopper, key } = await createApiKey(db, email);
  const context = await auth.$context;
  const session = await context.internalAdapter.createSession(shopper.id);
  const cookie = context.authCookies.sessionToken;
  return {
    user_id: shopper.id,
    api_key: key,
    cookies: [
      {
        name: cookie.name,
        value: encodeURIComponent(`${session.token}.${await makeSignature(session.token, context.secret)}`),
        domain: cookieDomain,
        path: cookie.attributes.path ?? "/",
        httpOnly: cookie.attributes.httpOnly ?? true,
        secure: cookie.attributes.secure ?? false,
        sameSite: sameSite(cookie.attributes.sameSite),
        expires: Math.floor(new Date(session.expiresAt).getTime() / 1000),
      },
    ],
  };
}

function sameSite(value: unknown): TestCookie["sameSite"] {
  const lower = String(value ?? "lax").toLowerCase();
  return lower === "strict" ? "Strict" : lower === "none" ? "None" : "Lax";
}

/** The host the caller reached us on: the browser of the same suite sends the cookie to it. */
function requestHostname(request: Request): string {
  const host = request.headers.get("host") ?? new URL(request.url).host;
  return new URL(`http://${host}`).hostname;
}

/** POST /api/test/shoppers `{ "email"? }` → 201 `{ user_id, api_key, cookies }`. */
export const createShopperControl: TestControl = {
  method: "POST",
  path: ["shoppers"],
  async serve(request, _params, services) {
    const input = parseInput(inputSchema, await readOptionalJsonBody(request), "The body");
    return json(201, await createTestShopper(services.db, services.auth, input, requestHostname(request)));
  },
};
