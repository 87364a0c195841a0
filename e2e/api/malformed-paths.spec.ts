import { expect, test } from "../support/fixtures";
import { expectErrorBody } from "../support/api";

// Each test keeps to its own shopper and orders: they run on any worker, in any order.
test.describe.configure({ mode: "parallel" });

/**
 * A malformed percent-escape anywhere in the path made Next's router throw while decoding
 * it, and the client got `500 Internal Server Error` in text/plain (decision 013). proxy.ts now
 * answers first: the contract's JSON 400 on API and webhook routes, a 400 page elsewhere.
 */

const BAD_ESCAPES = ["%ZZ", "%C0%AF", "%", "%E0%A4%A", "%FF", "ok%2"];

/** One path per route family, `{}` where the bad escape goes. */
const API_PATHS = [
  "/api/orders/{}",
  "/api/orders{}",
  "/api/orders/{}/cancel",
  "/api/orders/{}/events",
  "/api/orders/ord_abc/{}",
  "/api/trpc/{}",
  "/api/trpc/orders.get{}",
  "/api/health/{}",
  "/api/{}",
  "/api/no-such-endpoint/{}",
  "/webhooks/payments/{}",
  "/webhooks/{}",
];
const PAGE_PATHS = ["/{}", "/products/{}", "/orders/{}", "/admin/{}", "/_next/static/{}"];

test("every API and webhook route family answers a malformed escape with the contract's JSON 400", async ({ stack, shopper }) => {
  for (const template of API_PATHS) {
    for (const escape of BAD_ESCAPES) {
      for (const method of ["GET", "POST"]) {
        const path = template.replace("{}", escape);
        const response = await fetch(`${stack.baseURL}${path}`, {
          method,
          headers: { ...shopper.headers, "Content-Type": "application/json" },
          ...(method === "POST" ? { body: "{}" } : {}),
        });
        const label = `${method} ${path}`;
        expect(response.status, label).toBe(400);
        expect(response.headers.get("content-type"), label).toMatch(/^application\/json/);
        expectErrorBody(await response.json(), "invalid_request");
      }
    }
  }
});

test("page routes answer a malformed escape with a 400 page, never a 500", async ({ stack }) => {
  for (const template of PAGE_PATHS) {
    for (const escape of BAD_ESCAPES) {
      const path = template.replace("{}", escape);
      const response = await fetch(`${stack.baseURL}${path}`);
      expect(response.status, path).toBe(400);
      expect(response.headers.get("content-type"), path).toMatch(/^text\/html/);
      await response.text();
    }
  }
});

test("well-formed escapes still reach their routes", async ({ stack, shopper }) => {
  const escapedId = await fetch(`${stack.baseURL}/api/orders/ord_%61bc`, { headers: shopper.headers });
  expect(escapedId.status).toBe(404);
  expectErrorBody(await escapedId.json(), "not_found");

  const unicode = await fetch(`${stack.baseURL}/api/orders/%E2%9C%93`, { headers: shopper.headers });
  expect(unicode.status).toBe(404);
  expectErrorBody(await unicode.json(), "not_found");

  // A malformed escape in the query string is the route's business, not a path error.
  const query = await fetch(`${stack.baseURL}/api/orders?cursor=%ZZ`, { headers: shopper.headers });
  expect(query.status).toBe(400);
  expect((await query.json()).error.message).toMatch(/cursor/);

  const health = await fetch(`${stack.baseURL}/api/health`);
  expect(health.status).toBe(200);
  expect((await fetch(`${stack.baseURL}/`)).status).toBe(200);
});
