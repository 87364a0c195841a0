import { expect, test } from "../support/fixtures";
import { eq } from "drizzle-orm";
import { orderEvents } from "@/server/db/schema";
import { addToCart, openCheckout, orderElement, ordersOfShopper, placeOrder, shopperIdOf } from "../support/shop";

// Each test keeps to its own shopper and orders: they run on any worker, in any order.
test.describe.configure({ mode: "parallel" });

test("happy path: cart, checkout, and the order followed live to shipped with its tracking number", async ({ stack, page }) => {
  await addToCart(page, stack, "Widget", 2);
  await page.getByRole("link", { name: /^Cart/ }).click();
  const line = page.locator('[data-sku="WIDGET-42"]');
  await expect(line.getByRole("spinbutton", { name: "Quantity" })).toHaveValue("2");
  await expect(page.locator("[data-total-cents]")).toHaveAttribute("data-total-cents", "4998");

  const orderId = await placeOrder(page, stack);
  await expect(page).toHaveURL(/\/orders$/);
  await expect(page.getByRole("link", { name: /^Cart/ })).toHaveText("Cart");
  await orderElement(page, orderId).getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`/orders/${orderId}$`));
  await expect(page.locator("[data-live]")).toHaveAttribute("data-live", "sse");
  const order = orderElement(page, orderId);
  await expect(order).toHaveAttribute("data-status", "shipped", { timeout: 30_000 });
  const [row] = (await ordersOfShopper(stack, await shopperIdOf(page, stack))).filter((o) => o.id === orderId);
  expect(row?.tracking).toBeTruthy();
  await expect(page.getByText(row!.tracking!).first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Cancel order" })).toHaveCount(0);
  const events = await stack.db.select().from(orderEvents).where(eq(orderEvents.orderId, orderId));
  expect(events.map((e) => e.status)).toContain("shipped");
  await expect(page.getByRole("list", { name: "Timeline" }).getByRole("listitem")).toHaveCount(events.length);
});

test("the optimistic row is in My orders before the server answers, then becomes the real order", async ({ stack, page }) => {
  await addToCart(page, stack, "Gadget");
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/trpc/cart.checkout**", async (route) => {
    await held;
    await route.continue();
  });
  await openCheckout(page, stack);
  await page.getByRole("button", { name: "Place order" }).click();

  await expect(page.getByRole("heading", { name: "My orders" })).toBeVisible();
  const placing = page.locator('[data-status="placing"]');
  await expect(placing).toHaveCount(1);
  await expect(placing).toHaveAttribute("data-order-id", /.+/);
  await expect(placing).toContainText("Gadget");
  expect(await ordersOfShopper(stack, await shopperIdOf(page, stack))).toHaveLength(0);

  release();
  await expect(placing).toHaveCount(0);
  const rows = page.locator("[data-order-id]");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute("data-order-id", /^ord_/);
});

test("an order answered after the shopper went back to the catalog still empties the header's count", async ({ stack, page }) => {
  await addToCart(page, stack, "Gadget", 2);
  const cartLink = page.getByRole("link", { name: /^Cart/ });
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let markSent!: () => void;
  const sent = new Promise<void>((resolve) => (markSent = resolve));
  await page.route("**/api/trpc/cart.checkout**", async (route) => {
    markSent();
    await held;
    await route.continue();
  });
  await openCheckout(page, stack);
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page.locator('[data-status="placing"]')).toHaveCount(1);
  await sent;
  // In the app, to a page where nothing reads the cart: the answer lands there.
  await page.getByRole("link", { name: "Conveyor" }).click();
  await expect(page.getByRole("heading", { name: "Shop", level: 1 })).toBeVisible();
  await expect(cartLink).toContainText("Cart (2)");

  release();
  await expect(cartLink).toHaveText("Cart");
  expect(await ordersOfShopper(stack, await shopperIdOf(page, stack))).toHaveLength(1);
});

test("a double click on Place order makes one order", async ({ stack, page }) => {
  await addToCart(page, stack, "Sprocket");
  await openCheckout(page, stack);
  await page.getByRole("button", { name: "Place order" }).dblclick();
  await expect(page.locator("[data-order-id^='ord_']")).toHaveCount(1);
  expect(await ordersOfShopper(stack, await shopperIdOf(page, stack))).toHaveLength(1);
});

test("a reload while the order is being placed still makes exactly one order", async ({ stack, page }) => {
  await addToCart(page, stack, "Gizmo");
  let reachedServer!: () => void;
  const forwarded = new Promise<void>((resolve) => (reachedServer = resolve));
  let first = true;
  await page.route("**/api/trpc/cart.checkout**", async (route) => {
    if (!first) return route.continue();
    first = false;
    // The server gets the request and places the order, but the answer never reaches the page.
    await route.fetch();
    reachedServer();
  });
  await openCheckout(page, stack);
  await page.getByRole("button", { name: "Place order" }).click();
  await forwarded;
  const shopperId = await shopperIdOf(page, stack);
  expect(await ordersOfShopper(stack, shopperId)).toHaveLength(1);

  await page.reload();
  await expect(page.locator("[data-order-id^='ord_']")).toHaveCount(1);
  await expect(page.locator('[data-status="placing"]')).toHaveCount(0);
  expect(await ordersOfShopper(stack, shopperId)).toHaveLength(1);
});

test("a failure to place the order rolls the row back and says why", async ({ stack, page }) => {
  await addToCart(page, stack, "Doohickey");
  await page.route("**/api/trpc/cart.checkout**", (route) =>
    route.fulfill({
      status: 422,
      contentType: "application/json",
      body: JSON.stringify([{ error: { message: "Unknown SKU: DOOHICKEY-5.", code: -32600, data: { code: "UNPROCESSABLE_CONTENT", httpStatus: 422 } } }]),
    }),
  );
  await openCheckout(page, stack);
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page.getByText("Your order was not placed")).toBeVisible();
  await expect(page.locator('[data-status="placing"]')).toHaveCount(0);
  await expect(page.getByText("No orders yet")).toBeVisible();
  await page.goto(`${stack.baseURL}/cart`);
  await expect(page.locator('[data-sku="DOOHICKEY-5"]')).toBeVisible();
});
