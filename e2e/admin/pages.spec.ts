/**
 * The admin dashboard in a real browser: access control on every page, live overview
 * counts, "Redrive all", restock, the services form, the lab, an accessibility scan and a
 * screenshot of every page at desktop width and at 375 px (docs/images/admin-*.png, taken by
 * `npm run docs:screenshots`).
 */
import { type Browser, type Page } from "@playwright/test";
import { expect, startFromCleanShop, test } from "../support/fixtures";
import { seriousViolations } from "../support/accessibility";
import { ORDER_STATUSES } from "@/lib/order-state";
import { placeOrder, waitForStatus } from "../support/api";
import { signInAsAdmin } from "../support/admin-session";
import { postBeacon } from "../support/beacons";
import { chargesFor } from "../support/db";
import { addToCart, orderElement, placeOrder as placeShopOrder } from "../support/shop";
import { shopperMeasurements } from "@/server/db/schema";
import { type Shopper, type Stack } from "../support/stack";
import { ADMIN_PROCEDURES } from "./procedures";
import { docsScreenshot, TAKING_DOCS_SCREENSHOTS } from "../support/docs-screenshots";

// A retry budget of 1 retry after 1 s, so a failing step reaches the dead letters in seconds;
// a clean shop, so the counts and screenshots are this file's.
startFromCleanShop("oneRetry");
let apiShopper: Shopper;

const PAGES = ["/admin", "/admin/orders", "/admin/reviews", "/admin/dead-letters", "/admin/inventory", "/admin/mailbox", "/admin/services", "/admin/lab"];

test.beforeAll(async ({ stack }) => {
  apiShopper = await stack.newShopper();
});

test("a guest is sent to sign in and a shopper gets 403, on every page and every procedure", async ({ stack, browser }) => {
  // Eight pages twice and every procedure: more than the default budget on a busy machine.
  test.setTimeout(120_000);
  const guest = await browser.newPage();
  for (const path of [...PAGES, "/admin/orders/ord_doesnotexist"]) {
    await guest.goto(`${stack.baseURL}${path}`);
    await expect(guest, path).toHaveURL(/\/sign-in/);
  }
  // A guest shopper (a session from their first cart line): still 403.
  await addToCart(guest, stack, "Widget");
  for (const { path, kind, input } of ADMIN_PROCEDURES) {
    const response =
      kind === "query"
        ? await guest.request.get(`${stack.baseURL}/api/trpc/${path}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`}`)
        : await guest.request.post(`${stack.baseURL}/api/trpc/${path}`, { data: input ?? null, headers: { Origin: stack.baseURL } });
    expect(response.status(), `${path} as guest`).toBe(403);
  }
  expect((await guest.request.get(`${stack.baseURL}/api/admin/overview/stream`)).status()).toBe(403);

  const shopper = await browser.newPage();
  await shopper.goto(`${stack.baseURL}/sign-up`);
  await shopper.getByRole("textbox", { name: "Email" }).fill(`shopper.${Date.now()}@example.test`);
  await shopper.getByLabel("Password").fill("a-long-password-1");
  await shopper.getByRole("button", { name: "Create account" }).click();
  await expect(shopper.getByRole("button", { name: "Sign out" })).toBeVisible();
  for (const path of PAGES) {
    const response = await shopper.goto(`${stack.baseURL}${path}`);
    expect(response?.status(), path).toBe(403);
    await expect(shopper.getByRole("heading", { name: "Admins only" })).toBeVisible();
  }
  const overview = await shopper.request.get(`${stack.baseURL}/api/trpc/admin.overview`);
  expect(overview.status()).toBe(403);
});

test("the overview counts move live while orders flow", async ({ stack, page }) => {
  await signInAsAdmin(page, stack.baseURL);
  const shipped = page.locator('[data-stage="shipped"]');
  // One per status of docs/api.md, in_review included.
  await expect(page.locator("[data-stage]")).toHaveCount(ORDER_STATUSES.length);
  await expect(page.locator('[data-stage="in_review"]')).toHaveAttribute("data-count", /^\d+$/);
  await expect(page.locator('[data-queue="chargePayment"]')).toHaveAttribute("data-depth", /^\d+$/);
  const before = Number(await shipped.getAttribute("data-count"));
  const orderIds = await Promise.all(Array.from({ length: 3 }, () => placeOrder(stack, apiShopper)));
  await expect.poll(async () => Number(await shipped.getAttribute("data-count")), { timeout: 30_000 }).toBeGreaterThanOrEqual(before + orderIds.length);
  await expect(page.locator("[data-live]")).toHaveAttribute("data-live", "sse");
});

test("dead letters: after recovery, Redrive all (clicked twice) ships each order with exactly one charge", async ({ stack, page }) => {
  await signInAsAdmin(page, stack.baseURL);
  await stack.setDownstream("carrier", { outage: true });
  let orderIds: string[];
  try {
    orderIds = await Promise.all(Array.from({ length: 2 }, () => placeOrder(stack, apiShopper)));
    await page.goto(`${stack.baseURL}/admin/dead-letters`);
    for (const id of orderIds) await expect(page.getByRole("link", { name: id })).toBeVisible({ timeout: 30_000 });
  } finally {
    await stack.setDownstream("carrier", { outage: false });
  }
  // A double click: two redrives may race; the steps are idempotent, so nothing happens twice.
  await page.getByRole("button", { name: "Redrive all" }).dblclick();
  for (const id of orderIds) {
    await waitForStatus(stack, apiShopper, id, ["shipped"]);
    expect(await chargesFor(stack, id)).toHaveLength(1);
  }
  await expect(page.getByText("No dead letters")).toBeVisible({ timeout: 10_000 });
});

test("restock from the inventory page resumes a back-ordered order", async ({ stack, page }) => {
  await signInAsAdmin(page, stack.baseURL);
  const orderId = await placeOrder(stack, apiShopper, { items: [{ sku: "LIMITED-1", quantity: 5 }], payment_method: "pm_visa_4242" });
  await waitForStatus(stack, apiShopper, orderId, ["backordered"]);
  await page.goto(`${stack.baseURL}/admin/inventory`);
  const row = page.locator('tr[data-sku="LIMITED-1"]');
  await expect(row.getByRole("link", { name: orderId })).toBeVisible();
  await row.getByRole("spinbutton", { name: "Restock LIMITED-1" }).fill("5");
  await row.getByRole("button", { name: "Restock" }).click();
  await waitForStatus(stack, apiShopper, orderId, ["confirmed", "shipped"]);
  await expect(row.getByRole("link", { name: orderId })).toHaveCount(0, { timeout: 10_000 });
});

test("the services form changes the latency the next order sees", async ({ stack, page }) => {
  await signInAsAdmin(page, stack.baseURL);
  await page.goto(`${stack.baseURL}/admin/services`);
  const invoicing = page.getByRole("group", { name: "invoicing" });
  await invoicing.getByRole("spinbutton", { name: "Latency (ms)" }).fill("700");
  await invoicing.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("invoicing settings saved")).toBeVisible();
  try {
    const orderId = await placeOrder(stack, apiShopper);
    await waitForStatus(stack, apiShopper, orderId, ["shipped"]);
    await page.goto(`${stack.baseURL}/admin/orders/${orderId}`);
    const invoiceStep = page.locator('li[data-kind="job"]').filter({ hasText: "createInvoice" }).first();
    await expect(invoiceStep).toContainText(/ran (7\d\d|[89]\d\d|\d{4,}) ms|ran \d+\.\d s/, { timeout: 10_000 });
  } finally {
    await page.goto(`${stack.baseURL}/admin/services`);
    await invoicing.getByRole("spinbutton", { name: "Latency (ms)" }).fill("2");
    await invoicing.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText("invoicing settings saved")).toBeVisible();
  }
});

// The lab's only end-to-end run (one run of three modes is the heaviest thing an admin page
// starts): what the page shows is checked against what the admin API reports for the same run.
// How the modes compare (decision 019's thesis) is a figure of `BENCH_ONLY=lab npm run bench`.
test("the lab runs all three modes and shows the cascade of a risk spike in direct", async ({ stack, page, admin }) => {
  test.setTimeout(120_000);
  await signInAsAdmin(page, stack.baseURL);
  await page.goto(`${stack.baseURL}/admin/services`);
  const risk = page.getByRole("group", { name: "risk" });
  await risk.getByRole("spinbutton", { name: "Spike (+ms)" }).fill("200");
  await risk.getByRole("spinbutton", { name: "Spike for (s)" }).fill("120");
  await risk.getByRole("spinbutton", { name: "Capacity" }).fill("4");
  await risk.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("risk settings saved")).toBeVisible();
  try {
    await page.goto(`${stack.baseURL}/admin/lab`);
    await page.getByRole("spinbutton", { name: "Orders" }).fill("20");
    await page.getByRole("spinbutton", { name: "Concurrency" }).fill("20");
    await page.getByRole("button", { name: "Run" }).click();
    await expect(page.getByRole("progressbar")).toBeVisible();
    const row = (mode: string) => page.locator(`[data-mode="${mode}"]`);
    await expect(row("async")).toBeVisible({ timeout: 90_000 });
    for (const mode of ["direct", "wait", "async"]) {
      await expect(row(mode)).toHaveAttribute("data-lost", "0");
      await expect(row(mode)).toHaveAttribute("data-errors", "0");
    }
    // The admin API reports the same finished run: every mode's 20 checkouts, none erred or lost.
    const [run] = await admin.query("admin.labRuns");
    expect(run.status).toBe("finished");
    for (const result of run.results) expect(result, result.mode).toMatchObject({ requests: 20, errors: 0, lost: 0 });
    expect(run.results.map((r: { mode: string }) => r.mode).sort()).toEqual(["async", "direct", "wait"]);
    const p99 = async (mode: string) => Number(await row(mode).getAttribute("data-ack-p99-ms"));
    // Every direct checkout waits out the 200 ms spike, most also the queue at risk scoring
    // (4 at once for 20 shoppers).
    expect(await p99("direct")).toBeGreaterThan(400);
    expect(Number(await row("direct").getAttribute("data-confirmed-p50-ms"))).toBeGreaterThan(200);
    await screenshots(page, "lab");
  } finally {
    await stack.setDownstream("risk", { spikeLatencyMs: 0, spikeUntil: null, capacity: 32 });
  }
});

test("every page passes an accessibility scan (and is captured at desktop and 375 px for the docs)", async ({ stack, page, browser }) => {
  test.setTimeout(240_000);
  await signInAsAdmin(page, stack.baseURL);
  const orderId = await placeOrder(stack, apiShopper);
  await waitForStatus(stack, apiShopper, orderId, ["shipped"]);
  // The overview's "What shoppers saw" needs figures to be scanned with. For the docs' pictures
  // they come from a real checkout in a browser, followed to shipped; for the scan alone, from
  // the beacon such a page sends (e2e/shop/beacons.spec.ts follows the real one end to end).
  if (TAKING_DOCS_SCREENSHOTS) await checkOutInABrowser(stack, browser);
  else await sendCheckoutBeacon(stack);
  await expect.poll(async () => (await stack.db.select().from(shopperMeasurements)).some((m) => m.metric === "page_view"), { timeout: 15_000 }).toBe(true);
  const pages: [string, string][] = [
    ["overview", "/admin"],
    ["orders", "/admin/orders"],
    ["order", `/admin/orders/${orderId}`],
    ["reviews", "/admin/reviews"],
    ["dead-letters", "/admin/dead-letters"],
    ["inventory", "/admin/inventory"],
    ["mailbox", "/admin/mailbox"],
    ["services", "/admin/services"],
    ["lab", "/admin/lab"],
  ];
  for (const [name, path] of pages) {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${stack.baseURL}${path}`);
    await expect(page.getByRole("navigation", { name: "Admin" })).toBeVisible();
    expect(await seriousViolations(page), name).toEqual([]);
    // The lab's and the review desk's pictures are taken with data on them (lab run; e2e/admin/reviews.spec.ts).
    if (name !== "lab" && name !== "reviews") await screenshots(page, name);
  }
});

/** A shopper's checkout in a browser, followed to shipped and left: its page reports what the shopper saw. */
async function checkOutInABrowser(stack: Stack, browser: Browser): Promise<void> {
  const context = await browser.newContext();
  const shop = await context.newPage();
  await addToCart(shop, stack, "Widget");
  const shopOrder = await placeShopOrder(shop, stack);
  await expect(orderElement(shop, shopOrder)).toHaveAttribute("data-status", "shipped", { timeout: 30_000 });
  await shop.goto(stack.baseURL);
  await context.close();
}

/** What the checkout page of an order followed to shipped over the stream sends (lib/shopper-beacons.ts). */
async function sendCheckoutBeacon(stack: Stack): Promise<void> {
  const measurements = [
    { metric: "optimistic_row", value_ms: 12 },
    { metric: "server_answer", value_ms: 140 },
    ...["payment_processing", "payment_confirmed", "confirmed", "shipped"].map((status, i) => ({ metric: `status.${status}`, value_ms: 400 + 350 * i, transport: "sse" })),
    { metric: "inp", value_ms: 48 },
    { metric: "page_view", value_ms: 2600, transport: "sse" },
  ];
  const response = await postBeacon(stack, JSON.stringify({ page: "/checkout", measurements }));
  expect(response.status, await response.text()).toBe(204);
}

async function screenshots(page: Page, name: string): Promise<void> {
  if (!TAKING_DOCS_SCREENSHOTS) return;
  await page.setViewportSize({ width: 1280, height: 900 });
  await docsScreenshot(page, `admin-${name}.png`);
  await page.setViewportSize({ width: 375, height: 812 });
  await docsScreenshot(page, `admin-${name}-375.png`);
  await page.setViewportSize({ width: 1280, height: 900 });
}
