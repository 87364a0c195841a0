import { expect, startFromCleanShop, test } from "../support/fixtures";

// Starts from a clean shop: the catalog shows LIMITED-1's seeded stock ("Only 3 left").
startFromCleanShop("cleanShop");

test("the catalog shows every seeded product with its server price, stock and an add button", async ({ stack, page }) => {
  await page.goto(stack.baseURL);
  await expect(page.getByRole("heading", { name: "Shop", level: 1 })).toBeVisible();
  const widget = page.locator('[data-sku="WIDGET-42"]');
  await expect(widget.getByRole("heading", { name: "Widget" })).toBeVisible();
  await expect(widget).toContainText("$24.99");
  await expect(widget).toContainText("In stock");
  await expect(page.locator('[data-sku="GADGET-7"]')).toContainText("$12.50");
  const limited = page.locator('[data-sku="LIMITED-1"]');
  await expect(limited).toHaveAttribute("data-stock", "3");
  await expect(limited).toContainText("Only 3 left");
  await expect(limited.getByRole("button", { name: "Add Limited Edition to cart" })).toBeVisible();
});

test("the header count follows every change of the cart, across pages, and is kept on the server across a reload", async ({ stack, page }) => {
  const cartLink = page.getByRole("link", { name: /^Cart/ });
  await page.goto(stack.baseURL);
  await expect(cartLink).toHaveText("Cart");
  await page.getByRole("button", { name: "Add Widget to cart" }).click();
  await expect(cartLink).toContainText("Cart (1)");
  await page.getByRole("button", { name: "Add Widget to cart" }).click();
  await expect(cartLink).toContainText("Cart (2)");
  await page.reload();
  await expect(cartLink).toContainText("Cart (2)");
  // In the app (no page load): the cart page's change shows in the header, and the catalog's next add counts from it.
  await cartLink.click();
  await page.locator('[data-sku="WIDGET-42"]').getByRole("spinbutton", { name: "Quantity" }).fill("3");
  await expect(page.locator("[data-total-cents]")).toHaveAttribute("data-total-cents", String(3 * 2499));
  await expect(cartLink).toContainText("Cart (3)");
  await page.getByRole("link", { name: "Conveyor" }).click();
  await page.getByRole("button", { name: "Add Widget to cart" }).click();
  await expect(cartLink).toContainText("Cart (4)");
});
