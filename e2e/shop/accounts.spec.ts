import { expect, test } from "../support/fixtures";
import { addToCart, ordersOfShopper, placeOrder, shopperIdOf } from "../support/shop";

// Each test keeps to its own shopper and orders: they run on any worker, in any order.
test.describe.configure({ mode: "parallel" });

test("a guest who signs up keeps their cart and their orders", async ({ stack, page }) => {
  await addToCart(page, stack, "Widget");
  const orderId = await placeOrder(page, stack);
  await addToCart(page, stack, "Gadget", 2);
  const guestId = await shopperIdOf(page, stack);

  await page.goto(`${stack.baseURL}/sign-up`);
  await page.getByRole("textbox", { name: "Email" }).fill(`new.${Date.now()}@example.test`);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();

  const accountId = await shopperIdOf(page, stack);
  expect(accountId).toMatch(/^usr_/);
  expect(accountId).not.toBe(guestId);
  expect((await ordersOfShopper(stack, accountId)).map((o) => o.id)).toEqual([orderId]);
  await expect(page.getByRole("link", { name: /^Cart/ })).toContainText("Cart (2)");
  await page.getByRole("link", { name: "My orders" }).click();
  await expect(page.locator(`[data-order-id="${orderId}"]`)).toBeVisible();
});

test("someone else's order is a 404 page, exactly like one that does not exist", async ({ stack, page, browser }) => {
  await addToCart(page, stack, "Gadget");
  const orderId = await placeOrder(page, stack);

  // A shopper of their own (a guest, from their first cart line), for whom the order is someone else's.
  const stranger = await (await browser.newContext()).newPage();
  await addToCart(stranger, stack, "Widget");
  const response = await stranger.goto(`${stack.baseURL}/orders/${orderId}`);
  expect(response?.status()).toBe(404);
  await expect(stranger.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(stranger.locator(`[data-order-id="${orderId}"]`)).toHaveCount(0);
  const missing = await stranger.goto(`${stack.baseURL}/orders/ord_doesnotexist0000000`);
  expect(missing?.status()).toBe(404);
  const api = await stranger.request.get(`${stack.baseURL}/api/orders/${orderId}`);
  expect(api.status()).toBe(404);
  await stranger.context().close();
});

test("signing out ends the session; the visitor is nobody again, with an empty cart", async ({ stack, page }) => {
  const email = `out.${Date.now()}@example.test`;
  await page.goto(`${stack.baseURL}/sign-up`);
  await page.getByRole("textbox", { name: "Email" }).fill(email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await addToCart(page, stack, "Widget");
  const accountId = await shopperIdOf(page, stack);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  await expect(page.getByRole("link", { name: /^Cart/ })).toHaveText("Cart");
  // No guest is made until they add to the cart again.
  expect(await (await page.request.get(`${stack.baseURL}/api/auth/get-session`)).json()).toBeNull();

  await page.getByRole("link", { name: "Sign in" }).click();
  await page.getByRole("textbox", { name: "Email" }).fill(email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("link", { name: /^Cart/ })).toContainText("Cart (1)");
  expect(await shopperIdOf(page, stack)).toBe(accountId);
});

test("before the page has hydrated, the sign-in and sign-up forms cannot send a password in the address", async ({ stack, browser }) => {
  // Without JavaScript the page never hydrates: what a too-early click or Enter would meet.
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  for (const [path, submit] of [["/sign-in", "Sign in"], ["/sign-up", "Create account"]] as const) {
    await page.goto(`${stack.baseURL}${path}`);
    await page.getByRole("textbox", { name: "Email" }).fill("early@example.test");
    await page.getByLabel("Password").fill("correct horse battery");
    await expect(page.getByRole("button", { name: submit })).toBeDisabled();
    await page.getByLabel("Password").press("Enter");
    expect(new URL(page.url()).search).toBe("");
    await expect(page.locator("form")).toHaveAttribute("method", "post");
  }
  await context.close();
});
