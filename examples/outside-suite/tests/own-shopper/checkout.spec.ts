import { addToCart, checkOut, expect, test } from "../fixtures";

test("a shopper checks out in the browser and follows the order live to shipped, with its tracking number and a confirmation email", async ({ page, shopper, controls }) => {
  await addToCart(page, "WIDGET-42");
  await expect(page.locator("[data-total-cents]")).toHaveAttribute("data-total-cents", "2499");

  const order = await checkOut(page, "pm_visa_4242");
  // No reload: the row follows the order as the pipeline moves it (data-live says how).
  await expect(order).toHaveAttribute("data-status", "shipped");
  await expect(page.locator("[data-live]")).toHaveAttribute("data-live", /^(sse|polling)$/);
  const orderId = (await order.getAttribute("data-order-id"))!;

  await page.goto(`/orders/${orderId}`);
  await expect(page.locator(`[data-order-id="${orderId}"]`)).toHaveAttribute("data-status", "shipped");
  const { tracking } = await (await page.request.get(`/api/orders/${orderId}`)).json();
  await expect(page.getByText(tracking, { exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Cancel order" })).toHaveCount(0);

  const emails = await controls.emails(shopper.email);
  expect(emails.some((email) => email.order_id === orderId)).toBe(true);
});

test("a declined card ends the order payment_failed, and the shopper is told by email", async ({ page, shopper, controls }) => {
  await addToCart(page, "GADGET-7");
  const order = await checkOut(page, "pm_card_declined");
  await expect(order).toHaveAttribute("data-status", "payment_failed");
  const orderId = (await order.getAttribute("data-order-id"))!;

  await controls.settle();
  const emails = await controls.emails(shopper.email);
  expect(emails.filter((email) => email.order_id === orderId)).toHaveLength(1);
});
