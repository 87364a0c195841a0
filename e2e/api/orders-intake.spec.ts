import { expect, test } from "../support/fixtures";
import { expectErrorBody, getOrder, PAID_PATH, placeOrder, postOrder, TWO_WIDGETS } from "../support/api";

// Each test keeps to its own shopper and orders: they run on any worker, in any order.
test.describe.configure({ mode: "parallel" });

test("POST /api/orders answers 202 with Location and a status URL, and the order is priced by the server", async ({ stack, shopper }) => {
  const { status, body, headers } = await postOrder(stack, shopper);
  expect(status).toBe(202);
  expect(body).toEqual({ order_id: expect.stringMatching(/^ord_[a-z0-9]{20}$/), status: "pending", status_url: `/api/orders/${body.order_id}` });
  expect(headers.get("location")).toBe(`/api/orders/${body.order_id}`);

  const order = await getOrder(stack, shopper, body.order_id);
  expect(order.status).toBe(200);
  expect(order.body).toMatchObject({
    order_id: body.order_id,
    items: [{ sku: "WIDGET-42", name: "Widget", quantity: 2, unit_price: 24.99 }],
    total: 49.98,
    currency: "USD",
    payment_method: "pm_visa_4242",
  });
  expect(order.body.events[0]).toEqual({ id: expect.stringMatching(/^evt_/), status: "pending", timestamp: expect.any(String) });
  expect(Date.parse(order.body.created_at)).not.toBeNaN();
});

test("a visa order travels the whole pipeline to shipped, with every status in the event log", async ({ api }) => {
  const orderId = await api.placeOrder();
  const order = await api.waitForStatus(orderId, ["shipped"]);
  expect(order.tracking).toMatch(/^1Z\d+/);
  expect(order.events.map((e) => e.status)).toEqual(PAID_PATH);
  expect(order.events.at(-1)).toMatchObject({ status: "shipped", tracking: order.tracking });
});

test("Prefer: wait=N answers 201 with the full order once it has settled", async ({ stack, shopper }) => {
  const { status, body, headers } = await postOrder(stack, shopper, TWO_WIDGETS, { Prefer: "wait=10" });
  expect(status).toBe(201);
  expect(headers.get("preference-applied")).toBe("wait=10");
  expect(headers.get("location")).toBe(`/api/orders/${body.order_id}`);
  expect(["confirmed", "shipped"]).toContain(body.status);
  expect(body).toMatchObject({ total: 49.98, currency: "USD", items: [{ sku: "WIDGET-42", quantity: 2 }] });
});

test("Prefer: wait=N degrades to 202 when the pipeline is slower than N", async ({ stack, shopper }) => {
  await stack.setDownstream("payment", { baseLatencyMs: 3000 });
  try {
    const started = Date.now();
    const { status, body, headers } = await postOrder(stack, shopper, TWO_WIDGETS, { Prefer: "wait=1" });
    expect(status).toBe(202);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(body).toEqual({ order_id: expect.any(String), status: "pending", status_url: `/api/orders/${body.order_id}` });
    expect(headers.get("preference-applied")).toBeNull();
  } finally {
    await stack.setDownstream("payment", { baseLatencyMs: 2 });
  }
});

test.describe("bad input gets a clear error and writes nothing", () => {
  const cases: [string, string | object, Record<string, string>, number, string][] = [
    ["malformed JSON", '{"items": [', {}, 400, "invalid_request"],
    ["a client-sent total", { ...TWO_WIDGETS, total: 0.01 }, {}, 400, "invalid_request"],
    ["a client-sent price", { items: [{ sku: "WIDGET-42", quantity: 1, price: 0.01 }], payment_method: "pm_visa_4242" }, {}, 400, "invalid_request"],
    ["a client-sent status", { ...TWO_WIDGETS, status: "shipped" }, {}, 400, "invalid_request"],
    ["no items", { items: [], payment_method: "pm_visa_4242" }, {}, 400, "invalid_request"],
    ["a zero quantity", { items: [{ sku: "WIDGET-42", quantity: 0 }], payment_method: "pm_visa_4242" }, {}, 400, "invalid_request"],
    ["a fractional quantity", { items: [{ sku: "WIDGET-42", quantity: 1.5 }], payment_method: "pm_visa_4242" }, {}, 400, "invalid_request"],
    ["a bad payment method", { items: [{ sku: "WIDGET-42", quantity: 1 }], payment_method: "visa" }, {}, 400, "invalid_request"],
    ["too many lines", { items: Array.from({ length: 101 }, () => ({ sku: "WIDGET-42", quantity: 1 })), payment_method: "pm_visa_4242" }, {}, 400, "invalid_request"],
    ["an unknown SKU", { items: [{ sku: "NOPE-1", quantity: 1 }], payment_method: "pm_visa_4242" }, {}, 422, "unknown_sku"],
    ["a non-JSON content type", "items=1", { "Content-Type": "text/plain" }, 415, "unsupported_media_type"],
    ["a body over 64 KiB", { ...TWO_WIDGETS, padding: "x".repeat(70 * 1024) }, {}, 413, "payload_too_large"],
    ["an over-long Idempotency-Key", TWO_WIDGETS, { "Idempotency-Key": "k".repeat(256) }, 400, "invalid_request"],
  ];
  for (const [name, body, headers, status, code] of cases) {
    test(`${name} → ${status}`, async ({ stack, shopper }) => {
      const response = await postOrder(stack, shopper, body, headers);
      expect(response.status).toBe(status);
      expectErrorBody(response.body, code);
      const list = await fetch(`${stack.baseURL}/api/orders`, { headers: shopper.headers }).then((r) => r.json());
      expect(list.data).toEqual([]);
    });
  }
});

test("an unknown SKU names the SKU in the error details", async ({ stack, shopper }) => {
  const { body } = await postOrder(stack, shopper, { items: [{ sku: "WIDGET-42", quantity: 1 }, { sku: "NOPE-9", quantity: 1 }], payment_method: "pm_visa_4242" });
  expect(body.error.details).toEqual({ unknown_skus: ["NOPE-9"] });
});

test("credentials: none or a bad key → 401; acting for another shopper → 403", async ({ stack }) => {
  const noKey = await fetch(`${stack.baseURL}/api/orders`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(TWO_WIDGETS) });
  expect(noKey.status).toBe(401);
  expectErrorBody(await noKey.json(), "unauthorized");

  const badKey = await fetch(`${stack.baseURL}/api/orders`, { headers: { Authorization: "Bearer cvk_not-a-real-key" } });
  expect(badKey.status).toBe(401);
  expectErrorBody(await badKey.json(), "unauthorized");

  const shopper = await stack.newShopper();
  const other = await stack.newShopper();
  const mine = await postOrder(stack, shopper, { ...TWO_WIDGETS, user_id: shopper.id });
  expect(mine.status).toBe(202);
  const theirs = await postOrder(stack, shopper, { ...TWO_WIDGETS, user_id: other.id });
  expect(theirs.status).toBe(403);
  expectErrorBody(theirs.body, "forbidden");
});

test("someone else's order is 404, exactly like one that does not exist", async ({ stack }) => {
  const owner = await stack.newShopper();
  const stranger = await stack.newShopper();
  const orderId = await placeOrder(stack, owner);
  for (const path of [`/api/orders/${orderId}`, `/api/orders/ord_doesnotexist00000000`]) {
    const response = await fetch(`${stack.baseURL}${path}`, { headers: stranger.headers });
    expect(response.status).toBe(404);
    expectErrorBody(await response.json(), "not_found");
  }
  const cancel = await fetch(`${stack.baseURL}/api/orders/${orderId}/cancel`, { method: "POST", headers: stranger.headers });
  expect(cancel.status).toBe(404);
  const events = await fetch(`${stack.baseURL}/api/orders/${orderId}/events`, { headers: { ...stranger.headers, Accept: "text/event-stream" } });
  expect(events.status).toBe(404);
});

test("GET /api/orders lists only the caller's orders, newest first, with a working cursor", async ({ stack, shopper }) => {
  const other = await stack.newShopper();
  await placeOrder(stack, other);
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push(await placeOrder(stack, shopper));

  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `${stack.baseURL}/api/orders?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
    const page = await fetch(url, { headers: shopper.headers }).then((r) => r.json());
    expect(page.data.length).toBeLessThanOrEqual(2);
    seen.push(...page.data.map((o: { order_id: string }) => o.order_id));
    cursor = page.next_cursor;
  } while (cursor);
  expect(seen).toEqual([...ids].reverse());

  const badCursor = await fetch(`${stack.baseURL}/api/orders?cursor=garbage`, { headers: shopper.headers });
  expect(badCursor.status).toBe(400);
  expectErrorBody(await badCursor.json(), "invalid_request");
});

test("GET /api/health reports the database and live workers", async ({ stack }) => {
  const response = await fetch(`${stack.baseURL}/api/health`);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: "ok", database: "ok", workers: 1 });
});

test("every API error is JSON in the contract's shape: unsupported methods, unknown paths, ids no order can have", async ({ stack, shopper }) => {
  const orderId = await placeOrder(stack, shopper);
  const probes: [string, string, number, string][] = [
    ["PUT", "/api/orders", 405, "method_not_allowed"],
    ["DELETE", `/api/orders/${orderId}`, 405, "method_not_allowed"],
    ["GET", `/api/orders/${orderId}/cancel`, 405, "method_not_allowed"],
    ["GET", "/webhooks/payments", 405, "method_not_allowed"],
    ["GET", "/api/no-such-thing", 404, "not_found"],
    ["GET", `/api/orders/${orderId}/nested/path`, 404, "not_found"],
    ["GET", "/api/orders/ord_%00x", 404, "not_found"],
    ["POST", "/api/orders/ord_%00x/cancel", 404, "not_found"],
    ["GET", "/api/orders/ord_%00x/events", 404, "not_found"],
  ];
  for (const [method, path, status, code] of probes) {
    const response = await fetch(`${stack.baseURL}${path}`, { method, headers: shopper.headers });
    expect(response.status, `${method} ${path}`).toBe(status);
    expect(response.headers.get("content-type"), `${method} ${path}`).toContain("application/json");
    expectErrorBody(await response.json(), code);
    if (status === 405) expect(response.headers.get("allow")).toBeTruthy();
  }
});
