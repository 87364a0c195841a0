import { type Page } from "@playwright/test";
import { expect, test } from "../support/fixtures";
import { signInAsAdmin } from "../support/admin-session";
import { placeOrder, waitForStatus } from "../support/api";

// Each test keeps to its own shopper and orders: they run on any worker, in any order.
test.describe.configure({ mode: "parallel" });

/**
 * Security headers on every kind of answer (docs/security.md, "Headers"), and pages that
 * still work under their Content-Security-Policy: nothing they load or run is blocked.
 */

const COMMON = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "strict-origin-when-cross-origin",
};

function expectCommon(headers: Headers, what: string): void {
  for (const [name, value] of Object.entries(COMMON)) expect(headers.get(name), `${name} on ${what}`).toBe(value);
  // The stack is served over http: HSTS belongs to https only.
  expect(headers.get("strict-transport-security"), what).toBeNull();
}

test("a page gets a nonce-based CSP, fresh on every view, that its own scripts carry", async ({ stack }) => {
  const policies: string[] = [];
  for (let view = 0; view < 2; view++) {
    const response = await fetch(stack.baseURL);
    expect(response.status).toBe(200);
    expectCommon(response.headers, "/");
    const policy = response.headers.get("content-security-policy")!;
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("object-src 'none'");
    const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)' 'strict-dynamic'/.exec(policy)?.[1];
    expect(nonce, policy).toBeTruthy();
    const html = await response.text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(script, "every script tag carries the nonce").toContain(`nonce="${nonce}"`);
    policies.push(policy);
  }
  expect(policies[0]).not.toBe(policies[1]);
});

test("API answers — a Next route, tRPC, the native routes and the webhook — get the headers and a CSP that allows nothing", async ({ stack, shopper }) => {
  const orderId = await placeOrder(stack, shopper);
  await waitForStatus(stack, shopper, orderId, ["shipped"]);
  const answers: [string, Promise<Response>][] = [
    ["GET /api/health (Next)", fetch(`${stack.baseURL}/api/health`)],
    ["GET /api/trpc/catalog.list (Next)", fetch(`${stack.baseURL}/api/trpc/catalog.list`)],
    ["GET /api/nowhere (Next 404)", fetch(`${stack.baseURL}/api/nowhere`)],
    ["POST /api/orders (native)", fetch(`${stack.baseURL}/api/orders`, { method: "POST", headers: { ...shopper.headers, "Content-Type": "application/json" }, body: "{}" })],
    ["GET /api/orders/{id}/events (native stream)", fetch(`${stack.baseURL}/api/orders/${orderId}/events`, { headers: { Accept: "text/event-stream", ...shopper.headers } })],
    ["GET /api/orders/{id}/events without credentials (native 401)", fetch(`${stack.baseURL}/api/orders/${orderId}/events`)],
    ["POST /webhooks/payments (native)", fetch(`${stack.baseURL}/webhooks/payments`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" })],
  ];
  for (const [what, answer] of answers) {
    const response = await answer;
    expectCommon(response.headers, what);
    expect(response.headers.get("content-security-policy"), what).toBe("default-src 'none'; frame-ancestors 'none'");
    await response.body?.cancel();
  }
});

/** Collects CSP violations the page reports, from the DOM event and from the console. */
async function watchForViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeFunction("reportCspViolation", (line: string) => violations.push(line));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      (window as unknown as { reportCspViolation(line: string): void }).reportCspViolation(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${location.pathname}`);
    });
  });
  page.on("console", (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(`console: ${message.text()}`);
  });
  return violations;
}

test("shop and admin pages load, hydrate and work with nothing blocked by the CSP", async ({ stack, page }) => {
  test.setTimeout(240_000);
  const violations = await watchForViolations(page);
  const base = stack.baseURL;
  for (const path of ["/", "/products/WIDGET-42", "/cart", "/sign-up"]) {
    await page.goto(base + path);
    await expect(page.getByRole("link", { name: "My orders" })).toBeVisible();
  }
  // Hydrated and live: adding to the cart runs client code and a tRPC mutation.
  await page.goto(base);
  await page.getByRole("button", { name: "Add Widget to cart" }).click();
  await expect(page.getByRole("link", { name: /^Cart/ })).toContainText("Cart (1)");

  await signInAsAdmin(page, base);
  // The overview's uPlot charts and its event stream.
  await expect(page.locator("[data-live]")).toHaveAttribute("data-live", "sse");
  for (const path of ["/admin/orders", "/admin/lab"]) {
    await page.goto(base + path);
    await expect(page.getByRole("heading").first()).toBeVisible();
  }
  // A toast: sonner inserts its stylesheet when it first shows one.
  await page.goto(`${base}/admin/services`);
  const invoicing = page.getByRole("group", { name: "invoicing" });
  await invoicing.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("invoicing settings saved")).toBeVisible();
  expect(violations).toEqual([]);
});
