import { expect, startFromCleanShop, test } from "../support/fixtures";
import type { Stack } from "../support/stack";
import { addToCart, orderElement, placeOrder, restockAsAdmin } from "../support/shop";

// Starts from a clean shop: LIMITED-1 must still be short (seeded stock 3) for the
// back-order test, and its restock must go to this file's order.
startFromCleanShop("cleanShop");

async function openOrder(stack: Stack, page: import("@playwright/test").Page, orderId: string) {
  await page.goto(`${stack.baseURL}/orders/${orderId}`);
  return orderElement(page, orderId);
}

test("a declined card: payment_failed, and the shopper is told nothing was charged and stock went back", async ({ stack, page }) => {
  await addToCart(page, stack, "Widget");
  const orderId = await placeOrder(page, stack, "A card that will be declined");
  const order = await openOrder(stack, page, orderId);
  await expect(order).toHaveAttribute("data-status", "payment_failed", { timeout: 30_000 });
  await expect(page.getByRole("alert").filter({ hasText: "Your card was declined" })).toContainText("Nothing was charged");
  await expect(page.getByRole("button", { name: "Cancel order" })).toHaveCount(0);
});

test("a card the fraud check blocks: rejected, with what happened to money and stock", async ({ stack, page }) => {
  await addToCart(page, stack, "Gadget");
  const orderId = await placeOrder(page, stack, "A card our fraud check blocks");
  const order = await openOrder(stack, page, orderId);
  await expect(order).toHaveAttribute("data-status", "rejected", { timeout: 30_000 });
  await expect(page.getByRole("alert").filter({ hasText: "security checks" })).toContainText("Nothing was charged and the items were released");
});

test("LIMITED-1 runs out: the order is back-ordered with a clear message, a restock ships it, live", async ({ stack, page }) => {
  await addToCart(page, stack, "Limited Edition");
  await page.goto(`${stack.baseURL}/cart`);
  await page.locator('[data-sku="LIMITED-1"]').getByRole("spinbutton", { name: "Quantity" }).fill("4");
  await expect(page.locator("[data-total-cents]")).toHaveAttribute("data-total-cents", String(4 * 9900));
  const orderId = await placeOrder(page, stack);
  const order = await openOrder(stack, page, orderId);
  await expect(order).toHaveAttribute("data-status", "backordered", { timeout: 30_000 });
  await expect(page.getByRole("alert").filter({ hasText: "Waiting for stock" })).toContainText("ship as soon as the warehouse restocks");

  await restockAsAdmin(stack, "LIMITED-1", 10);
  await expect(order).toHaveAttribute("data-status", "shipped", { timeout: 30_000 });
  await expect(page.locator("[data-live]")).toHaveAttribute("data-live", "sse");
});

test("cancel while back-ordered: cancelled, stock and money explained, no cancel button any more", async ({ stack, page }) => {
  await page.goto(stack.baseURL);
  const stock = Number(await page.locator('[data-sku="LIMITED-1"]').getAttribute("data-stock"));
  await addToCart(page, stack, "Limited Edition");
  await page.goto(`${stack.baseURL}/cart`);
  await page.locator('[data-sku="LIMITED-1"]').getByRole("spinbutton", { name: "Quantity" }).fill(String(stock + 1));
  await expect(page.locator("[data-total-cents]")).toHaveAttribute("data-total-cents", String((stock + 1) * 9900));
  const orderId = await placeOrder(page, stack);
  const order = await openOrder(stack, page, orderId);
  await expect(order).toHaveAttribute("data-status", "backordered", { timeout: 30_000 });
  await page.getByRole("button", { name: "Cancel order" }).click();
  await expect(order).toHaveAttribute("data-status", "cancelled");
  await expect(page.getByRole("alert").filter({ hasText: "Order cancelled" })).toContainText("went back into stock");
  await expect(page.getByRole("button", { name: "Cancel order" })).toHaveCount(0);
});
