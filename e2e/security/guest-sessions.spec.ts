/**
 * A guest shopper is made when one is first needed — the first cart line or order — not on
 * every cookie-less page view, and at most GUEST_SESSIONS_PER_ADDRESS of them per address in
 * 10 minutes (docs/decisions/026-lazy-guests-and-sign-in-limits.md).
 */
import { expect, SHARED_STACKS, test, useSharedStack } from "../support/fixtures";
import type { Stack } from "../support/stack";
import { count } from "drizzle-orm";
import { shoppers } from "@/server/db/schema";
import { addToCart, placeOrder, shopperIdOf } from "../support/shop";

// One trusted proxy hop, so a test can speak from an address of its own (X-Forwarded-For).
useSharedStack("perAddressLimits");
const GUESTS_PER_ADDRESS = Number(SHARED_STACKS.perAddressLimits.GUEST_SESSIONS_PER_ADDRESS);

const shopperCount = async (stack: Stack) => (await stack.db.select({ n: count() }).from(shoppers))[0]!.n;

test("300 cookie-less page views make no shopper", async ({ stack }) => {
  test.setTimeout(240_000); // 300 server renders, on a machine other stacks share
  const before = await shopperCount(stack);
  const paths = [...Array(300).fill("/"), "/products/WIDGET-42", "/cart", "/checkout", "/orders", "/orders/ord_doesnotexist0000000", "/sign-in", "/sign-up"];
  for (let i = 0; i < paths.length; i += 10) {
    const answers = await Promise.all(paths.slice(i, i + 10).map((path) => fetch(`${stack.baseURL}${path}`)));
    for (const answer of answers) {
      expect([200, 404]).toContain(answer.status);
      expect(answer.headers.getSetCookie().filter((c) => c.includes("session_token"))).toEqual([]);
      await answer.body?.cancel();
    }
  }
  expect(await shopperCount(stack)).toBe(before);
});

test("a fresh browser becomes a guest on its first cart line, and can check out", async ({ stack, page, context }) => {
  const before = await shopperCount(stack);
  await page.goto(stack.baseURL);
  await expect(page.getByRole("link", { name: /^Cart/ })).toHaveText("Cart");
  expect(await shopperCount(stack)).toBe(before);

  await addToCart(page, stack, "Widget");
  expect(await shopperCount(stack)).toBe(before + 1);
  expect((await context.cookies()).some((c) => c.name.endsWith("session_token") && c.httpOnly)).toBe(true);
  await addToCart(page, stack, "Gadget");
  const orderId = await placeOrder(page, stack);
  expect(orderId).toMatch(/^ord_/);
  await expect(page.locator(`[data-order-id="${orderId}"]`)).toBeVisible();
  // One guest for all of it.
  expect(await shopperCount(stack)).toBe(before + 1);
  expect(await shopperIdOf(page, stack)).toMatch(/^usr_/);
});

test(`one address gets ${GUESTS_PER_ADDRESS} new guests per 10 minutes, then a 429 with Retry-After`, async ({ stack }) => {
  const addFirstLine = (address: string) =>
    fetch(`${stack.baseURL}/api/trpc/cart.add`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: stack.baseURL, "X-Forwarded-For": address },
      body: JSON.stringify({ sku: "WIDGET-42" }),
    });
  const before = await shopperCount(stack);
  for (let i = 0; i < GUESTS_PER_ADDRESS; i++) {
    const answer = await addFirstLine("192.0.2.33");
    expect(answer.status).toBe(200);
    expect(answer.headers.getSetCookie().some((c) => c.includes("session_token"))).toBe(true);
  }
  const refused = await addFirstLine("192.0.2.33");
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  expect((await refused.json()).error.message).toMatch(/Too many new guest shoppers/);
  expect(await shopperCount(stack)).toBe(before + GUESTS_PER_ADDRESS);
  // Another address is not held up; a cross-site request makes no guest at all.
  expect((await addFirstLine("192.0.2.34")).status).toBe(200);
  const crossSite = await fetch(`${stack.baseURL}/api/trpc/cart.add`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: "https://evil.example", "X-Forwarded-For": "192.0.2.35" },
    body: JSON.stringify({ sku: "WIDGET-42" }),
  });
  expect(crossSite.status).toBe(403);
  expect(await shopperCount(stack)).toBe(before + GUESTS_PER_ADDRESS + 1);
});
