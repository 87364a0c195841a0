/**
 * What shoppers saw (decision 035): a checkout in a real browser reports, by sendBeacon, the
 * time from the click to the optimistic row, to the server's answer and to each status shown,
 * with how each status arrived (stream or polling), the view's page_view and INP; the admin
 * overview's "What shoppers saw" panel then shows them. Waits on stored rows, never on time.
 */
import { type Browser, type Page } from "@playwright/test";
import { eq } from "drizzle-orm";
import { shopperMeasurements } from "@/server/db/schema";
import { signInAsAdmin } from "../support/admin-session";
import { PAID_PATH } from "../support/api";
import { expect, startFromCleanShop, test } from "../support/fixtures";
import type { Stack } from "../support/stack";
import { addToCart, orderElement, placeOrder } from "../support/shop";

// Starts from a clean shop: the panel's figures and the stored rows are this file's checkouts only.
startFromCleanShop("cleanShop");
test.describe.configure({ mode: "serial" });

const checkoutRows = async (stack: Stack) => stack.db.select().from(shopperMeasurements).where(eq(shopperMeasurements.page, "/checkout"));

/** Places a Widget order through the checkout and follows it on the page it turns into, until shipped. */
async function checkOutAndFollow(stack: Stack, page: Page): Promise<void> {
  await addToCart(page, stack, "Widget");
  const orderId = await placeOrder(page, stack);
  await expect(orderElement(page, orderId)).toHaveAttribute("data-status", "shipped", { timeout: 30_000 });
}

async function adminOverview(browser: Browser, stack: Stack): Promise<Page> {
  const admin = await (await browser.newContext()).newPage();
  await signInAsAdmin(admin, stack.baseURL);
  return admin;
}

test("a checkout reports click → optimistic row → answer → each status (over the stream), its view and INP; the overview shows them", async ({ stack, page, browser }) => {
  await checkOutAndFollow(stack, page);
  // Sent when the order reached its final status: the checkout's timings, each status by stream.
  // Which statuses in between were on screen depends on the machine's pace: on a loaded one the
  // answer and the first events land in one render and `pending` is never shown, so it is not
  // reported (it was not seen). The final status always is.
  await expect
    .poll(async () => (await checkoutRows(stack)).map((r) => r.metric), { timeout: 15_000 })
    .toEqual(expect.arrayContaining(["optimistic_row", "server_answer", "status.shipped"]));
  const timings = await checkoutRows(stack);
  const at = (metric: string) => timings.find((r) => r.metric === metric)!.valueMs;
  expect(at("optimistic_row")).toBeLessThanOrEqual(at("server_answer"));
  expect(at("server_answer")).toBeLessThanOrEqual(at("status.shipped"));
  const shown = timings.filter((r) => r.metric.startsWith("status."));
  for (const row of shown) expect(row.transport, row.metric).toBe("sse");
  // Whatever was shown came in the pipeline's order, never an older status after a newer one.
  const pipelineOrder = PAID_PATH.map((status) => `status.${status}`);
  const timesInPipelineOrder = pipelineOrder.flatMap((metric) => shown.filter((r) => r.metric === metric).map((r) => r.valueMs));
  expect(timesInPipelineOrder).toHaveLength(shown.length);
  expect(timesInPipelineOrder).toEqual([...timesInPipelineOrder].sort((a, b) => a - b));

  // Leaving the page sends the rest: the view (it followed the order over the stream) and INP of the click.
  await page.goto(`${stack.baseURL}/`);
  await expect.poll(async () => (await checkoutRows(stack)).filter((r) => r.metric === "page_view").map((r) => r.transport), { timeout: 15_000 }).toEqual(["sse"]);
  await expect.poll(async () => (await checkoutRows(stack)).some((r) => r.metric === "inp"), { timeout: 15_000 }).toBe(true);

  const admin = await adminOverview(browser, stack);
  const panel = admin.locator("section", { has: admin.getByRole("heading", { name: "What shoppers saw" }) });
  await expect(panel.locator('[data-page="/checkout"][data-metric="server_answer"]')).toHaveAttribute("data-count", "1");
  await expect(panel.locator('[data-page="/checkout"][data-metric="status.shipped"]')).toContainText(/\d+ (ms|s)/);
  await expect(panel.locator('[data-page="/checkout"][data-metric="inp"]')).toBeVisible();
  await expect(panel).toHaveAttribute("data-fallback-share", "0");
  await expect(panel.getByTestId("fallback-share")).toContainText("0 % of 1 live page view fell back to polling");
});

test("with the event stream blocked the page falls back to polling: its statuses and its view say so, and so does the overview's share", async ({ stack, page, browser }) => {
  await page.route("**/api/orders/events**", (route) => route.abort());
  await checkOutAndFollow(stack, page);
  await expect(page.locator("[data-live]")).toHaveAttribute("data-live", "polling");
  await expect.poll(async () => (await checkoutRows(stack)).filter((r) => r.metric === "status.shipped").map((r) => r.transport), { timeout: 15_000 }).toContain("polling");

  await page.goto(`${stack.baseURL}/`);
  await expect
    .poll(async () => (await checkoutRows(stack)).filter((r) => r.metric === "page_view").map((r) => r.transport).sort(), { timeout: 15_000 })
    .toEqual(["polling", "sse"]);

  const admin = await adminOverview(browser, stack);
  const panel = admin.locator("section", { has: admin.getByRole("heading", { name: "What shoppers saw" }) });
  await expect(panel).toHaveAttribute("data-fallback-share", "0.5");
  await expect(panel.getByTestId("fallback-share")).toContainText("50 % of 2 live page views fell back to polling");
});

test("an empty window says so", async ({ stack, browser }) => {
  const admin = await adminOverview(browser, stack);
  const panel = admin.locator("section", { has: admin.getByRole("heading", { name: "What shoppers saw" }) });
  await expect(panel).toBeVisible();
  // Once the window holds nothing (the rows go here), the panel says so at its next refresh.
  await stack.db.delete(shopperMeasurements);
  await expect(panel.getByText("No data in this window.")).toBeVisible({ timeout: 15_000 });
});
