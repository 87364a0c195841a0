/**
 * The admin's order page draws the order's trace from trace_spans (decision 034), no outside
 * collector: for a back-ordered order that a restock resumed, the waterfall shows the wait
 * (nothing between the reservation that back-ordered it and the invoice) and the resume (the
 * invoice's span linked to the restock's resumption pass), with "open in your tracing tool"
 * when TRACE_VIEW_URL is set. Screenshot at 1280 px: docs/images/admin-trace.png (`npm run docs:screenshots`).
 */
import { expect, startFromCleanShop, test } from "../support/fixtures";
import { signInAsAdmin } from "../support/admin-session";
import type { OrderTrace } from "@/server/admin/get-order-trace";
import { docsScreenshot, TAKING_DOCS_SCREENSHOTS } from "../support/docs-screenshots";

// Starts from a clean shop (this file empties a product's stock); the shared environment
// sets TRACE_VIEW_URL, whose link the waterfall shows.
startFromCleanShop("cleanShop");

const SKU = "GADGET-7";

test("a back-ordered then restocked order's trace shows the wait and the resume", async ({ stack, api, admin, page }) => {
  expect((await stack.testControl("PUT", `stock/${SKU}`, { stock: 0 })).status).toBe(200);
  const accepted = await api.postOrder({ items: [{ sku: SKU, quantity: 1 }], payment_method: "pm_visa_4242" });
  expect(accepted.status).toBe(202);
  const orderId = accepted.body.order_id as string;
  await api.waitForStatus(orderId, ["backordered"]);
  // Its notices and first resumption pass run out before the restock: then nothing runs until it.
  expect(await (await stack.testControl("POST", "settle?timeout_s=30")).json()).toEqual({ idle: true });
  await admin.mutation("admin.restock", { sku: SKU, quantity: 3 });
  const shipped = await api.waitForStatus(orderId, ["shipped"]);

  // The spans reach the table within the store's flush interval: poll until the last step is there.
  let trace: OrderTrace | undefined;
  await expect
    .poll(async () => {
      trace = await admin.query<OrderTrace>("admin.orderTrace", { orderId });
      return trace.spans.map((span) => span.name);
    }, { timeout: 30_000 })
    .toEqual(expect.arrayContaining(["POST /api/orders", "order.intake", "reserveStock process", "createInvoice process", "createShipment process"]));
  expect(trace!.traceId).toBe(shipped.trace_id);
  expect(trace!.externalUrl).toBe(`https://tracing.example/trace/${shipped.trace_id}`);
  const named = (name: string) => trace!.spans.find((span) => span.name === name)!;
  const reserve = named("reserveStock process");
  const invoice = named("createInvoice process");
  // The wait: the invoice starts only after the restock, well after the reservation ended,
  // with nothing of the trace running in between.
  expect(invoice.startMs).toBeGreaterThan(reserve.startMs + reserve.durationMs);
  expect(invoice.idleBeforeMs).toBeGreaterThan(0);
  // The resume: the invoice's span is linked to the restock's resumption pass, in the admin's trace.
  expect(invoice.causedBy).toContain("worker: resumeBackorders process");
  expect(invoice.queueWaitMs).toBeGreaterThanOrEqual(0);

  await page.setViewportSize({ width: 1280, height: 900 });
  await signInAsAdmin(page, stack.baseURL);
  await page.goto(`${stack.baseURL}/admin/orders/${orderId}`);
  const card = page.locator(`[data-trace-id="${shipped.trace_id}"]`);
  await expect(card.getByRole("heading", { name: "Trace" })).toBeVisible();
  await expect(card.locator('[data-span="createInvoice process"]')).toContainText("linked: worker: resumeBackorders process");
  await expect(card.locator('[data-span="createInvoice process"]')).toContainText("idle");
  await expect(card.getByRole("link", { name: "Open in your tracing tool" })).toHaveAttribute("href", `https://tracing.example/trace/${shipped.trace_id}`);
  if (TAKING_DOCS_SCREENSHOTS) {
    // The site header sticks to the top and would cover the card's top in an element screenshot.
    await page.addStyleTag({ content: "header { position: static !important; }" });
    await docsScreenshot(card, "admin-trace.png");
  }
});
