/**
 * /account/developers in a real browser (CONTRACT §7, §8): guests are sent to sign in; a
 * signed-in account creates an API key (shown once, `data-api-key`) and revokes it, adds a
 * webhook endpoint and sees its deliveries by `data-delivery-state`, and retries a failed one.
 * Screenshots at 1280 and 375 px go to docs/images/account-developers*.png (`npm run docs:screenshots`).
 */
import type { Page } from "@playwright/test";
import { expect, test, useSharedStack } from "../support/fixtures";
import { seriousViolations } from "../support/accessibility";
import { TWO_WIDGETS } from "../support/api";
import { addToCart } from "../support/shop";
import { startReceiver } from "../support/webhook-receiver";
import { docsScreenshot } from "../support/docs-screenshots";

// Retries a second apart, so a delivery to a failing receiver is `failed` in seconds.
useSharedStack("quickTimers");

test("a visitor is sent to sign in", async ({ stack, page }) => {
  await page.goto(`${stack.baseURL}/account/developers`);
  await expect(page).toHaveURL(/\/sign-in\?next=%2Faccount%2Fdevelopers|\/sign-in\?next=\/account\/developers/);
});

test("a guest shopper is sent to sign in, and the REST routes and procedures refuse it with 403", async ({ stack, page }) => {
  await addToCart(page, stack, "Widget");
  await page.goto(`${stack.baseURL}/account/developers`);
  await expect(page).toHaveURL(/\/sign-in/);
  const rest = await page.request.get(`${stack.baseURL}/api/webhook-endpoints`);
  expect(rest.status()).toBe(403);
  expect((await rest.json()).error.message).toMatch(/belong to accounts/);
  const trpc = await page.request.get(`${stack.baseURL}/api/trpc/developers.endpoints`);
  expect(trpc.status()).toBe(403);
});

test("an account creates and revokes an API key, adds an endpoint, sees its deliveries and retries a failed one", async ({ stack, browser }) => {
  // A delivery fails only after four attempts (quickTimers: 1 s apart, each picked up by a
  // worker's poll); on a loaded 2-core machine that alone took more than 30 s. The budget
  // bounds a stuck pipeline, it is not a speed target.
  test.setTimeout(180_000);
  const account = await (await stack.testControl("POST", "shoppers", {})).json();
  const context = await browser.newContext();
  await context.addCookies(account.cookies);
  const page = await context.newPage();
  await page.goto(`${stack.baseURL}/account/developers`);
  await expect(page.getByRole("heading", { name: "Developers" })).toBeVisible();

  // The key is shown once and works at once; revoked, it is refused.
  await page.getByRole("button", { name: "Create API key" }).click();
  const shown = page.locator("[data-api-key]");
  await expect(shown).toBeVisible();
  const key = (await shown.getAttribute("data-api-key"))!;
  expect(key).toMatch(/^cvk_/);
  const asKey = { Authorization: `Bearer ${key}` };
  expect((await fetch(`${stack.baseURL}/api/orders`, { headers: asKey })).status).toBe(200);
  const keyRow = page.locator(`[data-api-key-id]`, { hasText: key.slice(0, 10) });
  await keyRow.getByRole("button", { name: "Revoke" }).click();
  await expect(keyRow.getByText("revoked")).toBeVisible();
  expect((await fetch(`${stack.baseURL}/api/orders`, { headers: asKey })).status).toBe(401);

  // A receiver that fails until told otherwise.
  let answer = 500;
  const receiver = await startReceiver(() => answer);
  try {
    await page.getByRole("textbox", { name: "Endpoint URL" }).fill(receiver.url);
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const endpoint = page.locator("[data-endpoint-id]");
    await expect(endpoint).toHaveCount(1);
    await expect(page.locator("[data-endpoint-secret]")).toHaveAttribute("data-endpoint-secret", /^whsec_/);

    const placed = await fetch(`${stack.baseURL}/api/orders`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${account.api_key}` },
      body: JSON.stringify(TWO_WIDGETS),
    });
    expect(placed.status).toBe(202);
    const failed = endpoint.locator('[data-delivery-state="failed"]');
    await expect(failed.first()).toBeVisible({ timeout: 90_000 });
    await screenshots(page);
    expect(await seriousViolations(page)).toEqual([]);

    answer = 200;
    const messageId = (await failed.first().getAttribute("data-message-id"))!;
    await failed.first().getByRole("button", { name: "Retry" }).click();
    await expect(endpoint.locator(`[data-message-id="${messageId}"]`)).toHaveAttribute("data-delivery-state", "delivered", { timeout: 60_000 });
    await expect(endpoint.locator(`[data-message-id="${messageId}"]`).getByRole("button", { name: "Retry" })).toHaveCount(0);
  } finally {
    await receiver.close();
    await context.close();
  }
});

async function screenshots(page: Page): Promise<void> {
  // From the top: scrolled, the sticky header would be drawn over the middle of a full-page shot.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.setViewportSize({ width: 1280, height: 900 });
  await docsScreenshot(page, "account-developers.png");
  await page.setViewportSize({ width: 375, height: 812 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await docsScreenshot(page, "account-developers-375.png");
  // Nothing wider than the phone: a page that scrolls sideways at 375 px is a bug.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await page.setViewportSize({ width: 1280, height: 900 });
}
