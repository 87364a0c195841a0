import { expect, test } from "../support/fixtures";
import { expectErrorBody, placeOrder } from "../support/api";

// Each test keeps to its own shopper and orders: they run on any worker, in any order.
test.describe.configure({ mode: "parallel" });

/**
 * GET /api/orders/{id}/events, GET /api/orders/events, POST /webhooks/payments and POST /api/orders are served
 * by the web process's node:http server before Next (decisions 022 and 030). These are the
 * answers at the edges — methods, OPTIONS (the route's own methods), HEAD, a trailing slash,
 * the shopper stream's limits, the webhook's body limit.
 * (Streaming, auth and the webhook's outcomes are in sse.spec.ts and webhooks.spec.ts.)
 */

test("other methods are a contract 405 with Allow; OPTIONS lists the methods; HEAD answers GET's headers and ends", async ({ stack, shopper }) => {
  const orderId = await placeOrder(stack, shopper);
  const cases: [string, string, string][] = [
    ["POST", `/api/orders/${orderId}/events`, "GET"],
    ["DELETE", `/api/orders/${orderId}/events`, "GET"],
    ["PUT", "/api/orders/events", "GET"],
    ["GET", "/webhooks/payments", "POST"],
    ["PATCH", "/webhooks/payments", "POST"],
  ];
  for (const [method, path, allow] of cases) {
    const response = await fetch(`${stack.baseURL}${path}`, { method, headers: shopper.headers });
    expect(response.status, `${method} ${path}`).toBe(405);
    expect(response.headers.get("allow")).toBe(allow);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expectErrorBody(await response.json(), "method_not_allowed");
  }
  const options: [string, string][] = [
    [`/api/orders/${orderId}/events`, "GET, HEAD, OPTIONS"],
    ["/api/orders/events", "GET, HEAD, OPTIONS"],
    ["/api/orders", "GET, POST, HEAD, OPTIONS"],
    ["/webhooks/payments", "POST, OPTIONS"],
  ];
  for (const [path, allow] of options) {
    const response = await fetch(`${stack.baseURL}${path}`, { method: "OPTIONS" });
    expect(response.status, path).toBe(204);
    expect(response.headers.get("allow"), path).toBe(allow);
  }
  const head = await fetch(`${stack.baseURL}/api/orders/${orderId}/events`, { method: "HEAD", headers: shopper.headers });
  expect(head.status).toBe(200);
  expect(head.headers.get("content-type")).toMatch(/^text\/event-stream\b/);
  expect(head.headers.get("cache-control")).toBe("no-cache, no-transform");
  expect(await head.text()).toBe("");
});

test("a trailing slash is redirected to the exact path, and a percent-escaped id is decoded", async ({ stack, shopper }) => {
  const orderId = await placeOrder(stack, shopper);
  const redirected = await fetch(`${stack.baseURL}/api/orders/${orderId}/events/`, { headers: shopper.headers, redirect: "manual" });
  expect(redirected.status).toBe(308);
  expect(redirected.headers.get("location")).toBe(`/api/orders/${orderId}/events`);

  const controller = new AbortController();
  const escaped = await fetch(`${stack.baseURL}/api/orders/${orderId.replace("_", "%5F")}/events`, { headers: shopper.headers, signal: controller.signal });
  expect(escaped.status).toBe(200);
  const reader = escaped.body!.getReader();
  let text = "";
  while (!text.includes(`"order_id":"${orderId}"`)) text += new TextDecoder().decode((await reader.read()).value);
  controller.abort();
});

test("the shopper stream: 400 past the id limit or for a malformed id, 404 for another's order, an empty list ends at once", async ({ stack, shopper }) => {
  const stranger = await stack.newShopper();
  const theirs = await placeOrder(stack, stranger);
  const tooMany = Array.from({ length: 51 }, (_, i) => `ord_${String(i).padStart(20, "0")}`).join(",");
  for (const ids of [tooMany, "not-an-order-id"]) {
    const response = await fetch(`${stack.baseURL}/api/orders/events?ids=${ids}`, { headers: shopper.headers });
    expect(response.status).toBe(400);
    expectErrorBody(await response.json(), "invalid_request");
  }
  const foreign = await fetch(`${stack.baseURL}/api/orders/events?ids=${theirs}`, { headers: shopper.headers });
  expect(foreign.status).toBe(404);
  expectErrorBody(await foreign.json(), "not_found");

  const empty = await fetch(`${stack.baseURL}/api/orders/events`, { headers: shopper.headers });
  expect(empty.status).toBe(200);
  expect(await empty.text()).toBe("retry: 2000\n\n");
});

test("the webhook refuses a body over 64 KiB with the contract's 413, before reading it", async ({ stack }) => {
  const response = await fetch(`${stack.baseURL}/webhooks/payments`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ padding: "x".repeat(70_000) }),
  });
  expect(response.status).toBe(413);
  expectErrorBody(await response.json(), "payload_too_large");
});

test("/api/orders: GET and POST share one route — the 405s, HEAD and a trailing slash answer as the other routes do", async ({ stack, shopper }) => {
  const orderId = await placeOrder(stack, shopper);
  for (const method of ["PUT", "PATCH", "DELETE"]) {
    const response = await fetch(`${stack.baseURL}/api/orders`, { method, headers: shopper.headers });
    expect(response.status, method).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, POST");
    expectErrorBody(await response.json(), "method_not_allowed");
  }
  const head = await fetch(`${stack.baseURL}/api/orders`, { method: "HEAD", headers: shopper.headers });
  expect(head.status).toBe(200);
  expect(head.headers.get("content-type")).toMatch(/^application\/json/);
  expect(await head.text()).toBe("");
  expect((await fetch(`${stack.baseURL}/api/orders`, { method: "HEAD" })).status).toBe(401);
  const list = await fetch(`${stack.baseURL}/api/orders?limit=1`, { headers: shopper.headers });
  expect(list.status).toBe(200);
  expect((await list.json()).data[0].order_id).toBe(orderId);

  const redirected = await fetch(`${stack.baseURL}/api/orders/`, { method: "POST", headers: shopper.headers, redirect: "manual" });
  expect(redirected.status).toBe(308);
  expect(redirected.headers.get("location")).toBe("/api/orders");
});
