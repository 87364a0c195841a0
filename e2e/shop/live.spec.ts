import { type Page, type Request } from "@playwright/test";
import { expect, startFromCleanShop, test } from "../support/fixtures";
import type { Stack } from "../support/stack";
import { addToCart, orderElement, placeOrder, restockAsAdmin } from "../support/shop";

// Starts from a clean shop: each test back-orders LIMITED-1 and restocks exactly its own
// quantity, which only ships its order when no other file's back-order is waiting first.
startFromCleanShop("cleanShop");

/**
 * A back-ordered order waits mid-pipeline until a restock, however slow the machine is, so a
 * test can act while it is open and then let it finish.
 */
async function placeBackorder(stack: Stack, page: Page): Promise<string> {
  await addToCart(page, stack, "Limited Edition");
  await page.goto(`${stack.baseURL}/cart`);
  await page.locator('[data-sku="LIMITED-1"]').getByRole("spinbutton", { name: "Quantity" }).fill("500");
  await expect(page.locator("[data-total-cents]")).toHaveAttribute("data-total-cents", String(500 * 9900));
  return placeOrder(page, stack);
}

test("a reload mid-pipeline shows the current status and keeps following it live", async ({ stack, page }) => {
  const orderId = await placeBackorder(stack, page);
  await page.goto(`${stack.baseURL}/orders/${orderId}`);
  const order = orderElement(page, orderId);
  await expect(order).toHaveAttribute("data-status", "backordered", { timeout: 30_000 });
  await page.reload();
  await expect(order).toHaveAttribute("data-status", "backordered");
  await expect(page.locator("[data-live]")).toHaveAttribute("data-live", "sse");
  await restockAsAdmin(stack, "LIMITED-1", 500);
  await expect(order).toHaveAttribute("data-status", "shipped", { timeout: 30_000 });
});

test("two tabs on one order both update", async ({ stack, page, context }) => {
  await addToCart(page, stack, "Gadget");
  const orderId = await placeOrder(page, stack);
  const second = await context.newPage();
  await Promise.all([page.goto(`${stack.baseURL}/orders/${orderId}`), second.goto(`${stack.baseURL}/orders/${orderId}`)]);
  for (const tab of [page, second]) await expect(orderElement(tab, orderId)).toHaveAttribute("data-status", "shipped", { timeout: 30_000 });
});

test("My orders follows all its open orders over ONE stream", async ({ stack, page }) => {
  const ids = [await placeBackorder(stack, page), await placeBackorder(stack, page)];
  for (const id of ids) await expect(orderElement(page, id)).toHaveAttribute("data-status", "backordered", { timeout: 30_000 });

  // Streams this page opens, and how many are open at once (a reconnect replaces one, never adds one).
  const streams: string[] = [];
  const open = new Set<Request>();
  let mostOpen = 0;
  page.on("request", (request) => {
    if (!request.url().includes("/events")) return;
    streams.push(request.url());
    open.add(request);
    mostOpen = Math.max(mostOpen, open.size);
  });
  const ended = (request: Request) => void open.delete(request);
  page.on("requestfinished", ended);
  page.on("requestfailed", ended);
  await page.goto(`${stack.baseURL}/orders`);
  await expect(page.locator("[data-live]")).toHaveAttribute("data-live", "sse");
  await expect.poll(() => streams.length).toBeGreaterThan(0);

  await restockAsAdmin(stack, "LIMITED-1", 1000);
  for (const id of ids) await expect(orderElement(page, id)).toHaveAttribute("data-status", "shipped", { timeout: 30_000 });
  expect(mostOpen).toBe(1);
  for (const url of streams) {
    expect(new URL(url).pathname).toBe("/api/orders/events");
    expect(new URL(url).searchParams.get("ids")?.split(",").sort()).toEqual([...ids].sort());
  }
});

test("with the stream blocked the page says it is polling and still reaches shipped", async ({ stack, page }) => {
  await page.route("**/api/orders/events**", (route) => route.abort());
  const orderId = await placeBackorder(stack, page);
  await page.goto(`${stack.baseURL}/orders/${orderId}`);
  await expect(page.locator("[data-live]")).toHaveAttribute("data-live", "polling");
  await expect(orderElement(page, orderId)).toHaveAttribute("data-status", "backordered", { timeout: 30_000 });
  await restockAsAdmin(stack, "LIMITED-1", 500);
  await expect(orderElement(page, orderId)).toHaveAttribute("data-status", "shipped", { timeout: 30_000 });
  await expect(page.getByText("Tracking number").first()).toBeVisible();
  await expect(page.locator("[data-live]")).toHaveAttribute("data-live", "polling");
});
