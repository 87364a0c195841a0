import { describe, expect, it } from "vitest";
import { env } from "@/server/env";
import { useServiceDatabase } from "@/tests/support/service-database";
import { createAuth } from "./auth";

const svc = useServiceDatabase();
const APP_URL = "http://127.0.0.1:3999";
let accounts = 0;
const newEmail = () => `auth${++accounts}.${Date.now()}@example.test`;
const PASSWORD = "correct horse battery";

/** better-auth as the web process builds it, with `overrides` on top of the test environment. */
function authWith(overrides: Partial<ReturnType<typeof env>> = {}) {
  return createAuth({ ...env(), APP_URL, ...overrides }, svc().db);
}

/** A POST to one of better-auth's endpoints over HTTP (its limiter only sees those), from `address`. */
function post(auth: ReturnType<typeof authWith>, path: string, body: unknown, address: string, appUrl = APP_URL): Promise<Response> {
  return auth.handler(
    new Request(`${appUrl}/api/auth${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: new URL(appUrl).origin, "X-Forwarded-For": address },
      body: JSON.stringify(body),
    }),
  );
}

async function signUp(auth: ReturnType<typeof authWith>, email: string, address: string, appUrl = APP_URL): Promise<Response> {
  const response = await post(auth, "/sign-up/email", { email, password: PASSWORD, name: "Test" }, address, appUrl);
  expect(response.status).toBe(200);
  return response;
}

function sessionCookie(response: Response): string | undefined {
  return response.headers.getSetCookie().find((c) => /session_token=/.test(c));
}

describe("session cookies", () => {
  it("over https: Secure, __Host- prefixed, Path=/ and no Domain — and the session reads back", async () => {
    const appUrl = "https://shop.example";
    const auth = authWith({ APP_URL: appUrl });
    const cookie = sessionCookie(await signUp(auth, newEmail(), "198.51.100.1", appUrl));
    expect(cookie).toMatch(/^__Host-better-auth\.session_token=/);
    const attributes = cookie!.split(";").map((a) => a.trim().toLowerCase());
    expect(attributes).toContain("secure");
    expect(attributes).toContain("httponly");
    expect(attributes).toContain("path=/");
    expect(attributes).toContain("samesite=lax");
    expect(attributes.some((a) => a.startsWith("domain="))).toBe(false);

    const session = await auth.api.getSession({ headers: new Headers({ cookie: cookie!.split(";", 1)[0]! }) });
    expect(session?.user.id).toMatch(/^usr_/);
  });

  it("over plain http (development, tests): no Secure and no prefix, or the browser would drop the cookie", async () => {
    const cookie = sessionCookie(await signUp(authWith(), newEmail(), "198.51.100.2"));
    expect(cookie).toMatch(/^better-auth\.session_token=/);
    expect(cookie!.toLowerCase()).not.toContain("secure");
  });
});

describe("sign-in limits, on outside production too", () => {
  it("per account: past the budget every attempt is a 429 with Retry-After — the right password too — from any address", async () => {
    const auth = authWith({ SIGN_IN_ATTEMPTS_PER_ACCOUNT: 3, SIGN_IN_ATTEMPTS_PER_ADDRESS: 100 });
    const email = newEmail();
    const other = newEmail();
    await signUp(auth, email, "198.51.100.10");
    await signUp(auth, other, "198.51.100.11");

    // Successful sign-ins give their attempt back: only failures add up.
    for (let i = 0; i < 5; i++) expect((await post(auth, "/sign-in/email", { email, password: PASSWORD }, `203.0.113.${i}`)).status).toBe(200);
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await post(auth, "/sign-in/email", { email: email.toUpperCase(), password: "wrong-password" }, `203.0.113.${10 + i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);

    const locked = await post(auth, "/sign-in/email", { email, password: PASSWORD }, "203.0.113.99");
    expect(locked.status).toBe(429);
    const retryAfter = Number(locked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect((await locked.json()).message).toMatch(/Too many sign-in attempts/);
    // Another account is not held up.
    expect((await post(auth, "/sign-in/email", { email: other, password: PASSWORD }, "203.0.113.99")).status).toBe(200);
  });

  it("per address: keyed on the address in X-Forwarded-For (the one the web server pinned)", async () => {
    const auth = authWith({ SIGN_IN_ATTEMPTS_PER_ACCOUNT: 100, SIGN_IN_ATTEMPTS_PER_ADDRESS: 4 });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await post(auth, "/sign-in/email", { email: newEmail(), password: "wrong-password" }, "192.0.2.50")).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    expect((await post(auth, "/sign-in/email", { email: newEmail(), password: "wrong-password" }, "192.0.2.51")).status).toBe(401);
  });

  it("sign-ups per address are limited too; guests cannot be minted over HTTP at all", async () => {
    const auth = authWith({ SIGN_UPS_PER_ADDRESS: 2 });
    await signUp(auth, newEmail(), "192.0.2.60");
    await signUp(auth, newEmail(), "192.0.2.60");
    expect((await post(auth, "/sign-up/email", { email: newEmail(), password: PASSWORD, name: "Test" }, "192.0.2.60")).status).toBe(429);
    expect((await post(auth, "/sign-in/anonymous", {}, "192.0.2.61")).status).toBe(404);
  });
});
