/**
 * Manual review in real browsers, an admin and a shopper side by side: the admin switches
 * "Manual review" on /admin/services (no Save), the shopper pays with the risky card and sees
 * the order under review live, the admin approves it on /admin/reviews, and the shopper's
 * page follows it to shipped. Captures /admin/reviews at 1280 and 375 px (docs/images).
 */
import { expect, test } from "../support/fixtures";
import { seriousViolations } from "../support/accessibility";
import { signInAsAdmin } from "../support/admin-session";
import { adminCall } from "../support/admin-trpc";
import { chargesFor, providerLedger } from "../support/db";
import { addToCart, orderElement, placeOrder } from "../support/shop";
import { docsScreenshot, TAKING_DOCS_SCREENSHOTS } from "../support/docs-screenshots";

// Each test keeps to its own shopper and orders: they run on any worker, in any order.
test.describe.configure({ mode: "parallel" });

test("the admin switches manual review on, the shopper's risky order waits under review live, the admin approves and it ships", async ({ stack, page: adminPage, browser }) => {
  // Two browsers, an accessibility scan and two full-page captures: generous on a busy machine.
  test.setTimeout(240_000);
  const shopperContext = await browser.newContext();
  const shopperPage = await shopperContext.newPage();
  const admin = await stack.newShopper({ admin: true });
  const manualReview = async () => (await adminCall(stack, "query", "admin.manualReview", undefined, admin.headers)).enabled as boolean;

  await signInAsAdmin(adminPage, stack.baseURL);
  await adminPage.goto(`${stack.baseURL}/admin/services`);
  const toggle = adminPage.getByRole("checkbox", { name: "Manual review" });
  await expect(toggle).not.toBeChecked();
  await toggle.check();
  await expect.poll(manualReview).toBe(true);

  try {
    await addToCart(shopperPage, stack, "Gadget");
    const orderId = await placeOrder(shopperPage, stack, "A card that scores as high risk");
    await shopperPage.goto(`${stack.baseURL}/orders/${orderId}`);
    const order = orderElement(shopperPage, orderId);
    await expect(order).toHaveAttribute("data-status", "in_review", { timeout: 30_000 });
    await expect(shopperPage.getByText("Under review", { exact: true }).first()).toBeVisible();
    await expect(shopperPage.getByRole("alert").filter({ hasText: "Under review" })).toContainText("refunded in full");
    await expect(shopperPage.locator("[data-live]")).toHaveAttribute("data-live", "sse");

    await adminPage.goto(`${stack.baseURL}/admin/reviews`);
    const row = adminPage.locator(`tr[data-order-id="${orderId}"]`);
    await expect(row.getByRole("link", { name: orderId })).toHaveAttribute("href", `/admin/orders/${orderId}`);
    await expect(row).toContainText("$12.50");
    await expect(row).toContainText("0.92");
    expect(await seriousViolations(adminPage)).toEqual([]);
    if (TAKING_DOCS_SCREENSHOTS) {
      for (const [width, height, file] of [
        [1280, 900, "admin-reviews.png"],
        [375, 812, "admin-reviews-375.png"],
      ] as const) {
        await adminPage.setViewportSize({ width, height });
        await expect(row.getByRole("button", { name: "Approve" })).toBeVisible();
        await docsScreenshot(adminPage, file);
      }
      await adminPage.setViewportSize({ width: 1280, height: 900 });
    }

    await row.getByRole("button", { name: "Approve" }).click();
    await expect(row).toHaveCount(0);
    // The shopper's page follows on its own, without a reload.
    await expect(order).toHaveAttribute("data-status", "shipped", { timeout: 30_000 });
    expect(await chargesFor(stack, orderId)).toHaveLength(1);
    expect(await providerLedger(stack, orderId)).toMatchObject({ capturedCents: 1250, heldCents: 1250 });

    await adminPage.goto(`${stack.baseURL}/admin/orders/${orderId}`);
    await expect(adminPage.locator('li[data-kind="review"]')).toContainText("admin@conveyor.local");
  } finally {
    await adminPage.goto(`${stack.baseURL}/admin/services`);
    await adminPage.getByRole("checkbox", { name: "Manual review" }).uncheck();
    await expect.poll(manualReview).toBe(false);
    await shopperContext.close();
  }
});
