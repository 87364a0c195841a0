/**
 * Sign-in is limited per account and per client address, sign-up per address
 * (docs/security.md). The stack trusts one proxy hop, so each request's X-Forwarded-For
 * names its client as a proxy in front would: rotating it is how an attacker with many
 * addresses looks, and only the per-account limit can stop them.
 */
import { type APIRequestContext } from "@playwright/test";
import { expect, test, useSharedStack } from "../support/fixtures";
import type { Stack } from "../support/stack";

useSharedStack("perAddressLimits");
const PASSWORD = "correct horse battery";
let emails = 0;
const newEmail = () => `limits${++emails}.${Date.now()}@example.test`;

function authPost(stack: Stack, request: APIRequestContext, path: string, data: unknown, forwardedFor: string) {
  return request.post(`${stack.baseURL}/api/auth${path}`, { data, headers: { Origin: stack.baseURL, "X-Forwarded-For": forwardedFor }, failOnStatusCode: false });
}

test("30 wrong passwords for one account from 30 addresses: 429s after the account's 10, then even the right password waits", async ({ stack, request, page }) => {
  const email = newEmail();
  const other = newEmail();
  expect((await authPost(stack, request, "/sign-up/email", { email, password: PASSWORD, name: "Victim" }, "198.51.100.1")).status()).toBe(200);
  expect((await authPost(stack, request, "/sign-up/email", { email: other, password: PASSWORD, name: "Other" }, "198.51.100.2")).status()).toBe(200);

  const statuses: number[] = [];
  for (let i = 0; i < 30; i++) {
    const response = await authPost(stack, request, "/sign-in/email", { email, password: `wrong-password-${i}` }, `203.0.113.${i + 1}`);
    statuses.push(response.status());
    if (response.status() === 429) {
      const retryAfter = Number(response.headers()["retry-after"]);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    }
  }
  expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
  expect(statuses.slice(10)).toEqual(Array(20).fill(429));

  const rightPassword = await authPost(stack, request, "/sign-in/email", { email, password: PASSWORD }, "203.0.113.200");
  expect(rightPassword.status()).toBe(429);
  // Another account is not held up by it.
  expect((await authPost(stack, request, "/sign-in/email", { email: other, password: PASSWORD }, "203.0.113.201")).status()).toBe(200);

  // The sign-in page says what happened and when to try again.
  await page.goto(`${stack.baseURL}/sign-in`);
  await page.getByRole("textbox", { name: "Email" }).fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText(/Too many sign-in attempts\. Try again in \d+ minutes?\./);
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
});

test("one address is limited to 20 sign-in attempts, whatever it puts before the proxy's entry in X-Forwarded-For", async ({ stack, request }) => {
  const statuses: number[] = [];
  let last;
  for (let i = 0; i < 25; i++) {
    // Spoofed entries on the left; the trusted proxy appended the real client on the right.
    last = await authPost(stack, request, "/sign-in/email", { email: newEmail(), password: "wrong-password" }, `10.9.${i}.1, 192.0.2.77`);
    statuses.push(last.status());
  }
  expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
  expect(statuses.slice(20)).toEqual(Array(5).fill(429));
  const retryAfter = Number(last!.headers()["retry-after"]);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(15 * 60);
  expect((await last!.json()).message).toMatch(/^Too many attempts from your network\. Try again in \d+ minutes?\.$/);
  // Another address is not.
  expect((await authPost(stack, request, "/sign-in/email", { email: newEmail(), password: "wrong-password" }, "192.0.2.78")).status()).toBe(401);
});

test("one address can create 10 accounts per 15 minutes", async ({ stack, request }) => {
  const statuses: number[] = [];
  for (let i = 0; i < 11; i++) statuses.push((await authPost(stack, request, "/sign-up/email", { email: newEmail(), password: PASSWORD, name: "Bulk" }, "192.0.2.90")).status());
  expect(statuses).toEqual([...Array(10).fill(200), 429]);
});
