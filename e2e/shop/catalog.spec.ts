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

test("adding to the cart updates the header count, kept on the server across a reload", async ({ stack, page }) => {
  await page.goto(stack.baseURL);
  await expect(page.getByRole("link", { name: /^Cart/ })).toHaveText("Cart");
  await page.getByRole("button", { name: "Add Widget to cart" }).click();
  await expect(page.getByRole("link", { name: /^Cart/ })).toContainText("Cart (1)");
  await page.getByRole("button", { name: "Add Widget to cart" }).click();
  await expect(page.getByRole("link", { name: /^Cart/ })).toContainText("Cart (2)");
  await page.reload();
  await expect(page.getByRole("link", { name: /^Cart/ })).toContainText("Cart (2)");
});
