/**
 * /account/batches (CONTRACT §7 and §9) in a browser: guests are sent to sign in; an account
 * uploads a file, watches its batch's progress bar move live, and downloads the results.
 * Its own stack: payment is held in an outage while the bar is read, and retries are capped at
 * a second so the orders go on as soon as it ends.
 */
import type { Page } from "@playwright/test";
import { expect, test, useSharedStack } from "../support/fixtures";
import { docsScreenshot, TAKING_DOCS_SCREENSHOTS } from "../support/docs-screenshots";

useSharedStack("quickTimers");

const ORDER = { items: [{ sku: "WIDGET-42", quantity: 1 }], payment_method: "pm_visa_4242" };

test("a guest is sent to sign in", async ({ stack, page }) => {
  await page.goto(`${stack.baseURL}/account/batches`);
  await expect(page).toHaveURL(/\/sign-in/);
});

test("an account uploads a file, sees its batch's progress bar move to 100 % live, and downloads the results", async ({ stack, page }) => {
  await page.goto(`${stack.baseURL}/sign-up`);
  await page.getByRole("textbox", { name: "Email" }).fill(`batches.${Date.now()}@example.test`);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();

  await page.goto(`${stack.baseURL}/account/batches`);
  await expect(page.getByRole("heading", { name: "Batches", exact: true })).toBeVisible();
  await stack.setDownstream("payment", { outage: true });
  try {
    // One line refused (unknown SKU), three orders held by the payment outage: 25 % final.
    const file = [ORDER, { items: [{ sku: "NO-SUCH-SKU", quantity: 1 }], payment_method: "pm_visa_4242" }, ORDER, ORDER].map((l) => JSON.stringify(l)).join("\n");
    await page.getByLabel("Orders file").setInputFiles({ name: "orders.ndjson", mimeType: "application/x-ndjson", buffer: Buffer.from(file) });
    await page.getByRole("button", { name: "Upload" }).click();

    const batch = page.locator("[data-batch-id]").first();
    await expect(batch).toHaveAttribute("data-batch-status", "in_progress");
    const bar = batch.getByRole("progressbar", { name: "Batch progress" });
    await expect(bar).toHaveAttribute("aria-valuenow", "25");
    await screenshots(page);
  } finally {
    await stack.setDownstream("payment", { outage: false });
  }
  const batch = page.locator("[data-batch-id]").first();
  const bar = batch.getByRole("progressbar", { name: "Batch progress" });
  // Pushed over SSE as the orders ship: no reload.
  await expect(bar).toHaveAttribute("aria-valuenow", "100", { timeout: 60_000 });
  await expect(batch).toHaveAttribute("data-batch-status", "completed");

  const batchId = await batch.getAttribute("data-batch-id");
  const link = batch.getByRole("link", { name: "Download results" });
  await expect(link).toHaveAttribute("href", `/api/batches/${batchId}/results`);
  const results = await page.request.get(`${stack.baseURL}/api/batches/${batchId}/results`);
  expect(results.status()).toBe(200);
  const lines = (await results.text()).trimEnd().split("\n").map((line) => JSON.parse(line));
  expect(lines.map((l) => [l.line, l.status ?? l.error.code])).toEqual([
    [1, "shipped"],
    [2, "unknown_sku"],
    [3, "shipped"],
    [4, "shipped"],
  ]);
});

async function screenshots(page: Page): Promise<void> {
  if (!TAKING_DOCS_SCREENSHOTS) return;
  await page.setViewportSize({ width: 1280, height: 900 });
  await docsScreenshot(page, "account-batches.png");
  await page.setViewportSize({ width: 375, height: 812 });
  await docsScreenshot(page, "account-batches-375.png");
  await page.setViewportSize({ width: 1280, height: 900 });
}
