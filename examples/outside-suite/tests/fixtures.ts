/**
 * The suite's fixtures: `controls` (Conveyor's test controls) and `shopper` (a fresh signed-in
 * shopper per test, already signed in in the test's browser context). One shopper per test is
 * what lets tests run in parallel: each sees only its own cart and orders.
 */
import { test as base, expect, type Page } from "@playwright/test";
import { controlsHeaders, testControls, type TestControls, type TestShopper } from "./controls";

export const test = base.extend<{ controls: TestControls; shopper: TestShopper }>({
  controls: async ({ playwright, baseURL }, use) => {
    const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: controlsHeaders() });
    await use(testControls(api));
    await api.dispose();
  },
  shopper: async ({ controls, context }, use) => {
    const shopper = await controls.newShopper();
    await context.addCookies(shopper.cookies);
    await use(shopper);
  },
});

export { expect };

/** Adds one unit of `sku` from its product page (the button is named after the product's heading) and waits for it in the cart. */
export async function addToCart(page: Page, sku: string): Promise<void> {
  await page.goto(`/products/${sku}`);
  const product = page.locator(`[data-sku="${sku}"]`);
  const name = (await product.getByRole("heading").first().textContent())?.trim();
  await product.getByRole("button", { name: `Add ${name} to cart` }).click();
  await page.getByRole("link", { name: /^Cart/ }).click();
  await expect(page.locator(`[data-sku="${sku}"]`).getByRole("spinbutton", { name: "Quantity" })).toBeVisible();
}

/** Checks the cart out with `paymentMethod` (a pm_… id) and returns the new order's element in My orders once it has its ord_… id. */
export async function checkOut(page: Page, paymentMethod: string) {
  await page.goto("/checkout");
  await page.getByRole("radiogroup", { name: "Payment method" }).locator(`[role="radio"][value="${paymentMethod}"]`).check();
  await page.getByRole("button", { name: "Place order" }).click();
  const order = page.locator('[data-order-id^="ord_"]');
  await expect(order).toHaveCount(1);
  return order;
}
