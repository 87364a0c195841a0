import { type Page } from "@playwright/test";
import { expect, test } from "../support/fixtures";
import { seriousViolations } from "../support/accessibility";
import { addToCart, orderElement, placeOrder } from "../support/shop";

// Each test keeps to its own shopper and orders: they run on any worker, in any order.
test.describe.configure({ mode: "parallel" });

async function expectNoSeriousViolations(page: Page, name: string) {
  expect(await seriousViolations(page), name).toEqual([]);
}

// The scans below pass on an empty list; this one shows the scan (axe in the page, legacy mode)
// still finds what a person would be blocked by, so a scan that stopped scanning fails here.
test("the scan reports a violation planted in the page: a nameless button", async ({ stack, page }) => {
  await page.goto(`${stack.baseURL}/sign-in`);
  // Plant only once React has hydrated (the form's button turns enabled): hydration may render
  // <main> afresh and drop a node it does not know, and then there would be nothing to find.
  await expect(page.locator("form button[type=submit]")).toBeEnabled();
  await page.evaluate(() => document.querySelector("main")!.append(Object.assign(document.createElement("button"), { id: "planted" })));
  await expect(page.locator("#planted")).toBeAttached();
  expect(await seriousViolations(page)).toEqual([expect.stringMatching(/^button-name — .*\(#planted\)$/)]);
});

// One test per page or state, each starting from its own visitor: none waits on the others.
for (const [name, path] of [
  ["catalog", "/"],
  ["product", "/products/WIDGET-42"],
  ["empty cart", "/cart"],
  ["empty orders", "/orders"],
  ["sign in", "/sign-in"],
  ["sign up", "/sign-up"],
  ["404", "/orders/ord_doesnotexist0000000"],
] as const) {
  test(`axe: the ${name} page has no serious or critical violations`, async ({ stack, page }) => {
    await page.goto(stack.baseURL + path);
    // The account forms keep their button disabled until hydrated; scan the page people use.
    if (path === "/sign-in" || path === "/sign-up") await expect(page.locator("form button[type=submit]")).toBeEnabled();
    await expectNoSeriousViolations(page, name);
  });
}

test("axe: the cart with a line has no serious or critical violations", async ({ stack, page }) => {
  await addToCart(page, stack, "Widget");
  await page.goto(`${stack.baseURL}/cart`);
  await expectNoSeriousViolations(page, "cart");
});

test("axe: checkout has no serious or critical violations", async ({ stack, page }) => {
  await addToCart(page, stack, "Widget");
  await page.goto(`${stack.baseURL}/checkout`);
  await expectNoSeriousViolations(page, "checkout");
});

test("axe: My orders with a placed order has no serious or critical violations", async ({ stack, page }) => {
  await addToCart(page, stack, "Widget");
  await placeOrder(page, stack);
  await expectNoSeriousViolations(page, "orders");
});

test("axe: a shipped order's page has no serious or critical violations", async ({ stack, page }) => {
  await addToCart(page, stack, "Widget");
  const orderId = await placeOrder(page, stack);
  await page.goto(`${stack.baseURL}/orders/${orderId}`);
  await expect(orderElement(page, orderId)).toHaveAttribute("data-status", "shipped", { timeout: 30_000 });
  await expectNoSeriousViolations(page, "order detail");
});

test("the shop works from the keyboard: add to cart and check out without a mouse", async ({ stack, page }) => {
  await page.goto(stack.baseURL);
  await page.getByRole("button", { name: "Add Gadget to cart" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("link", { name: /^Cart/ })).toContainText("Cart (1)");
  await page.goto(`${stack.baseURL}/checkout`);
  await page.getByRole("radio", { name: "Visa ending 4242" }).focus();
  // Radix moves focus on the next tick and selects only while the arrow key is down, as a person's key is.
  const declined = page.getByRole("radio", { name: "A card that will be declined" });
  await page.keyboard.down("ArrowDown");
  await expect(declined).toBeFocused();
  await page.keyboard.up("ArrowDown");
  await expect(declined).toBeChecked();
  await page.keyboard.down("ArrowUp");
  await expect(page.getByRole("radio", { name: "Visa ending 4242" })).toBeChecked();
  await page.keyboard.up("ArrowUp");
  await page.getByRole("button", { name: "Place order" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.locator("[data-order-id^='ord_']")).toHaveCount(1);
});

test("on a 375 px phone no shop page scrolls sideways, with a full cart and a placed order", async ({ stack, page }) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 375, height: 812 });
  const base = stack.baseURL;
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await addToCart(page, stack, "Widget");
  for (const path of ["/", "/products/WIDGET-42", "/cart", "/checkout", "/sign-in", "/sign-up"]) {
    await page.goto(base + path);
    await page.waitForLoadState("networkidle");
    expect(await overflow(), `${path} is wider than the phone`).toBe(0);
  }
  const orderId = await placeOrder(page, stack);
  expect(await overflow(), "/orders is wider than the phone").toBe(0);
  await page.goto(`${base}/orders/${orderId}`);
  await expect(orderElement(page, orderId)).toHaveAttribute("data-status", "shipped", { timeout: 30_000 });
  expect(await overflow(), "the order page is wider than the phone").toBe(0);
});
