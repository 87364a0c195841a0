/**
 * Tests that change what every other test would see — a SKU's stock, the simulated carrier —
 * run one at a time (this project runs after the parallel one, in order) and put back what
 * they changed.
 */
import { addToCart, checkOut, expect, test } from "../fixtures";

test.describe.configure({ mode: "serial" });

test("an order beyond the stock is back-ordered, waits (settled) for stock, and ships once restocked", async ({ page, controls }) => {
  await controls.setStock("LIMITED-1", 0);
  try {
    await addToCart(page, "LIMITED-1");
    const order = await checkOut(page, "pm_visa_4242");
    await expect(order).toHaveAttribute("data-status", "backordered");
    // Nothing more happens until stock arrives: settle is idle and the order still waits.
    await controls.settle();
    await expect(order).toHaveAttribute("data-status", "backordered");

    await controls.setStock("LIMITED-1", 5);
    await expect(order).toHaveAttribute("data-status", "shipped");
    await page.goto("/products/LIMITED-1");
    await expect(page.locator('[data-sku="LIMITED-1"]')).toHaveAttribute("data-stock", "4");
  } finally {
    await controls.setStock("LIMITED-1", 3);
  }
});

test("a carrier outage outlasting the retries leaves dead letters; after it, an admin's Redrive all ships the order", async ({ page, browser, controls }) => {
  test.slow(); // two browser contexts, and the shipment's retries run out first
  const adminEmail = process.env.ADMIN_EMAIL;
  const adminPassword = process.env.ADMIN_PASSWORD;
  if (!adminEmail || !adminPassword) throw new Error("Set ADMIN_EMAIL and ADMIN_PASSWORD (npm run start:test prints them).");

  await controls.setDownstream("carrier", { outage: true });
  let order;
  try {
    await addToCart(page, "WIDGET-42");
    order = await checkOut(page, "pm_visa_4242");
    await expect(order).toHaveAttribute("data-status", "confirmed");
    // The shipment step retries, then gives up into its dead-letter queue: then nothing is due.
    await controls.settle(60);
    await expect(order).toHaveAttribute("data-status", "confirmed");
  } finally {
    await controls.setDownstream("carrier", { outage: false });
  }

  const admin = await (await browser.newContext()).newPage();
  await admin.goto("/sign-in");
  await admin.getByRole("textbox", { name: "Email" }).fill(adminEmail);
  await admin.getByLabel("Password").fill(adminPassword);
  await admin.getByRole("button", { name: "Sign in" }).click();
  await expect(admin.getByRole("button", { name: "Sign out" })).toBeVisible();
  await admin.goto("/admin");
  await expect(admin.locator('[data-queue]:not([data-dead="0"])')).not.toHaveCount(0);

  await admin.goto("/admin/dead-letters");
  await admin.getByRole("button", { name: "Redrive all" }).click();
  await expect(order).toHaveAttribute("data-status", "shipped");
  await admin.goto("/admin");
  await expect(admin.locator("[data-queue]")).not.toHaveCount(0);
  await expect(admin.locator('[data-queue]:not([data-dead="0"])')).toHaveCount(0);
  await admin.context().close();
});
