/** Storefront steps as a shopper takes them, in a real browser (locators by role and name, docs/api.md, "Browser hooks for end-to-end suites"). */
import { expect, type Page } from "@playwright/test";
import { eq } from "drizzle-orm";
import { orders } from "@/server/db/schema";
import type { Stack } from "./stack";

export async function addToCart(page: Page, stack: Stack, productName: string, times = 1): Promise<void> {
  if (!page.url().startsWith(stack.baseURL) || new URL(page.url()).pathname !== "/") await page.goto(stack.baseURL);
  const cartLink = page.getByRole("link", { name: /^Cart/ });
  for (let i = 0; i < times; i++) {
    const before = await cartLink.textContent();
    await page.getByRole("button", { name: `Add ${productName} to cart` }).click();
    await expect(cartLink).not.toHaveText(before ?? "");
  }
}

export async function openCheckout(page: Page, stack: Stack, paymentMethod = "Visa ending 4242"): Promise<void> {
  await page.goto(`${stack.baseURL}/checkout`);
  await page.getByRole("radiogroup", { name: "Payment method" }).getByRole("radio", { name: paymentMethod }).check();
}

/** Places the cart's order and returns the new order's id once the server has answered. */
export async function placeOrder(page: Page, stack: Stack, paymentMethod = "Visa ending 4242"): Promise<string> {
  const before = new Set(((await (await page.request.get(`${stack.baseURL}/api/orders`)).json()).data as { order_id: string }[]).map((o) => o.order_id));
  await openCheckout(page, stack, paymentMethod);
  await page.getByRole("button", { name: "Place order" }).click();
  let placed: string | undefined;
  await expect
    .poll(async () => {
      const ids = await page.locator("[data-order-id^='ord_']").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-order-id")!));
      placed = ids.find((id) => !before.has(id));
      return placed;
    })
    .toBeTruthy();
  return placed!;
}

export async function shopperIdOf(page: Page, stack: Stack): Promise<string> {
  const session = await (await page.request.get(`${stack.baseURL}/api/auth/get-session`)).json();
  return session.user.id as string;
}

export async function ordersOfShopper(stack: Stack, shopperId: string) {
  return stack.db.select().from(orders).where(eq(orders.shopperId, shopperId));
}

/** The order's element on /orders/{id} (or its row in My orders). */
export function orderElement(page: Page, orderId: string) {
  return page.locator(`[data-order-id="${orderId}"]`);
}

/** Adds stock the way an admin does (tRPC admin.restock with an admin API key); back-orders resume. */
export async function restockAsAdmin(stack: Stack, sku: string, quantity: number): Promise<void> {
  const admin = await stack.newShopper({ admin: true });
  const response = await fetch(`${stack.baseURL}/api/trpc/admin.restock`, {
    method: "POST",
    headers: { ...admin.headers, "Content-Type": "application/json" },
    body: JSON.stringify({ sku, quantity }),
  });
  expect(response.status).toBe(200);
}
