/**
 * The test controls of docs/testing.md, over HTTP as an outside suite calls them: 401 without
 * the bearer token, and each control's answers and effects — a shopper's cookie in a real
 * browser, downstream settings, stock and back-orders, the mailbox, settle, and a reset the
 * shop carries on after. Without TEST_CONTROLS_TOKEN: test-controls-absent.spec.ts.
 */
import { expect, startFromCleanShop, test } from "../support/fixtures";
import type { Stack } from "../support/stack";
import { adminCall } from "../support/admin-trpc";
import { expectErrorBody } from "../support/api";
import { openJobsForOrder, stockOf } from "../support/db";
import { JOBS_A_RESET_KEEPS } from "@/server/test-controls/reset-shop";

// Two retries a second apart, so a step in an outage dead-letters within a test.
startFromCleanShop("twoRetries");

const SERVICES = ["payment", "fraud", "risk", "invoicing", "email", "carrier"];

async function control(stack: Stack, method: "GET" | "POST" | "PUT", path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await stack.testControl(method, path, body);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

type TestShopper = { user_id: string; api_key: string; cookies: { name: string; value: string; path: string; httpOnly: boolean; sameSite: string }[] };

async function newShopper(stack: Stack, email?: string): Promise<TestShopper & { headers: Record<string, string> }> {
  const { status, body } = await control(stack, "POST", "shoppers", email === undefined ? undefined : { email });
  expect(status, JSON.stringify(body)).toBe(201);
  return { ...body, headers: { Authorization: `Bearer ${body.api_key}` } };
}

async function settle(stack: Stack, timeoutSeconds: number): Promise<any> {
  const { status, body } = await control(stack, "POST", `settle?timeout_s=${timeoutSeconds}`);
  expect(status, JSON.stringify(body)).toBe(200);
  return body;
}

async function order(stack: Stack, shopper: { headers: Record<string, string> }, sku = "GADGET-7", quantity = 1): Promise<string> {
  const response = await fetch(`${stack.baseURL}/api/orders`, {
    method: "POST",
    headers: { ...shopper.headers, "Content-Type": "application/json" },
    body: JSON.stringify({ items: [{ sku, quantity }], payment_method: "pm_visa_4242" }),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { order_id: string }).order_id;
}

async function statusOf(stack: Stack, shopper: { headers: Record<string, string> }, orderId: string): Promise<string> {
  return ((await (await fetch(`${stack.baseURL}/api/orders/${orderId}`, { headers: shopper.headers })).json()) as { status: string }).status;
}

const cookieHeader = (shopper: TestShopper) => shopper.cookies.map((c) => `${c.name}=${c.value}`).join("; ");

async function sessionOf(stack: Stack, cookie: string): Promise<any> {
  return (await fetch(`${stack.baseURL}/api/auth/get-session`, { headers: { Cookie: cookie } })).json();
}

test("with the token set, a missing or wrong bearer token is a 401 on every /api/test/* path, and nothing is done", async ({ stack }) => {
  const before = await stockOf(stack, "WIDGET-42");
  const paths: ["GET" | "POST" | "PUT", string][] = [
    ["POST", "reset"],
    ["POST", "shoppers"],
    ["PUT", "downstream/carrier"],
    ["PUT", "stock/WIDGET-42"],
    ["GET", "emails"],
    ["POST", "settle?timeout_s=0"],
    ["GET", "no-such-control"],
  ];
  const token = stack.testControlsToken;
  for (const [method, path] of paths) {
    for (const authorization of [undefined, "Bearer wrong-but-long-enough-token", `Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, `Basic ${token}`, token]) {
      const response = await fetch(`${stack.baseURL}/api/test/${path}`, {
        method,
        headers: { "Content-Type": "application/json", ...(authorization ? { Authorization: authorization } : {}) },
        body: method === "GET" ? undefined : JSON.stringify({ stock: 1 }),
      });
      expect(response.status, `${method} ${path} with ${authorization}`).toBe(401);
      expectErrorBody(await response.json(), "unauthorized");
    }
  }
  expect(await stockOf(stack, "WIDGET-42")).toBe(before);
});

test("an unknown control is a 404 and a known one asked with another method a 405 naming the one it takes", async ({ stack }) => {
  for (const path of ["no-such-control", "stock", "downstream", "stock/WIDGET-42/more"]) {
    const { status, body } = await control(stack, "GET", path);
    expect(status, path).toBe(404);
    expectErrorBody(body, "not_found");
  }
  for (const [method, path, allow] of [["GET", "reset", "POST"], ["POST", "emails", "GET"], ["POST", "stock/WIDGET-42", "PUT"], ["GET", "settle", "POST"]] as const) {
    const response = await stack.testControl(method, path);
    expect(response.status, `${method} ${path}`).toBe(405);
    expect(response.headers.get("allow")).toBe(allow);
    expectErrorBody(await response.json(), "method_not_allowed");
  }
});

test("POST /api/test/shoppers: a signed-in shopper whose cookies a browser context takes as they are, with an API key for the same account", async ({ stack, browser }) => {
  const shopper = await newShopper(stack, "Cookie.Shopper@Example.test");
  expect(shopper).toMatchObject({
    user_id: expect.stringMatching(/^usr_/),
    api_key: expect.stringMatching(/^cvk_/),
    cookies: [{ name: expect.any(String), value: expect.any(String), path: "/", httpOnly: true, sameSite: "Lax", domain: "127.0.0.1" }],
  });

  const context = await browser.newContext();
  await context.addCookies(shopper.cookies as Parameters<typeof context.addCookies>[0]);
  const page = await context.newPage();
  const orderId = await order(stack, shopper);
  await page.goto(`${stack.baseURL}/orders`);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await expect(page.locator(`[data-order-id="${orderId}"]`)).toBeVisible();
  const session = await (await page.request.get(`${stack.baseURL}/api/auth/get-session`)).json();
  expect(session.user).toMatchObject({ id: shopper.user_id, email: "cookie.shopper@example.test", isAnonymous: false });
  await context.close();

  // The cookie is the one signing up sets: same name and attributes, a signed value of the same form.
  const email = `signed-up.${Date.now()}@example.test`;
  const signUp = await fetch(`${stack.baseURL}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: stack.baseURL },
    body: JSON.stringify({ email, password: "correct horse battery", name: "" }),
  });
  expect(signUp.status).toBe(200);
  const [setCookie] = signUp.headers.getSetCookie();
  const [pair, ...attributes] = setCookie!.split(";").map((p) => p.trim());
  const [name, value] = [pair!.slice(0, pair!.indexOf("=")), pair!.slice(pair!.indexOf("=") + 1)];
  const ours = shopper.cookies[0]!;
  expect(ours.name).toBe(name);
  expect(attributes).toEqual(expect.arrayContaining(["Path=/", "HttpOnly", "SameSite=Lax"]));
  expect(attributes.some((a) => /^secure$/i.test(a))).toBe(false);
  const signedForm = /^[A-Za-z0-9]{32}\.[A-Za-z0-9%]+$/;
  expect(value).toMatch(signedForm);
  expect(ours.value).toMatch(signedForm);
});

test("POST /api/test/shoppers: a random email by default, the same account again for a known email, 409 for the admin's, 400 for a bad body", async ({ stack }) => {
  const random = await newShopper(stack);
  expect((await sessionOf(stack, cookieHeader(random))).user).toMatchObject({ id: random.user_id, email: expect.stringMatching(/@example\.test$/), isAnonymous: false });

  const first = await newShopper(stack, "again@example.test");
  const second = await newShopper(stack, "AGAIN@example.test");
  expect(second.user_id).toBe(first.user_id);
  expect(second.api_key).not.toBe(first.api_key);
  for (const shopper of [first, second]) {
    expect((await fetch(`${stack.baseURL}/api/orders`, { headers: shopper.headers })).status).toBe(200);
    expect((await sessionOf(stack, cookieHeader(shopper))).user.id).toBe(first.user_id);
  }

  const admin = await control(stack, "POST", "shoppers", { email: "admin@conveyor.local" });
  expect(admin.status).toBe(409);
  expectErrorBody(admin.body, "email_in_use");
  for (const body of [{ email: "not an email" }, { email: 42 }, { email: "x@example.test", admin: true }, []]) {
    const { status, body: answer } = await control(stack, "POST", "shoppers", body);
    expect(status, JSON.stringify(body)).toBe(400);
    expectErrorBody(answer, "invalid_request");
  }
  const text = await fetch(`${stack.baseURL}/api/test/shoppers`, {
    method: "POST",
    headers: { Authorization: `Bearer ${stack.testControlsToken}`, "Content-Type": "text/plain" },
    body: "email=x@example.test",
  });
  expect(text.status).toBe(415);
});

test("PUT /api/test/downstream/{service}: changes what it names, answers the settings in force, as /admin/services sees them; unknown service 404, bad body 400", async ({ stack }) => {
  for (const service of SERVICES) {
    const { status, body } = await control(stack, "PUT", `downstream/${service}`, {});
    expect(status, service).toBe(200);
    expect(body).toEqual({ service, latency_ms: 2, jitter_ms: 3, failure_rate: 0, outage: false, capacity: 32 });
  }
  const changed = await control(stack, "PUT", "downstream/invoicing", { latency_ms: 150, failure_rate: 0.25, outage: true });
  expect(changed).toEqual({ status: 200, body: { service: "invoicing", latency_ms: 150, jitter_ms: 3, failure_rate: 0.25, outage: true, capacity: 32 } });
  expect((await control(stack, "PUT", "downstream/invoicing", { outage: false })).body).toMatchObject({ latency_ms: 150, failure_rate: 0.25, outage: false });

  const admin = await stack.newShopper({ admin: true });
  const services: { service: string; baseLatencyMs: number; failureRate: number; outage: boolean }[] = await adminCall(stack, "query", "admin.services", undefined, admin.headers);
  expect(services.find((s) => s.service === "invoicing")).toMatchObject({ baseLatencyMs: 150, failureRate: 0.25, outage: false });
  expect((await control(stack, "PUT", "downstream/invoicing", { latency_ms: 2, failure_rate: 0 })).status).toBe(200);

  const unknown = await control(stack, "PUT", "downstream/warehouse", { outage: true });
  expect(unknown.status).toBe(404);
  expectErrorBody(unknown.body, "not_found");
  for (const body of [{ failure_rate: 1.5 }, { failure_rate: -0.1 }, { latency_ms: -1 }, { latency_ms: 1.5 }, { latency_ms: 600_000 }, { outage: "yes" }, { capacity: 3 }, [], null]) {
    const { status, body: answer } = await control(stack, "PUT", "downstream/carrier", body);
    expect(status, JSON.stringify(body)).toBe(400);
    expectErrorBody(answer, "invalid_request");
  }
});

test("PUT /api/test/stock/{sku}: a back-order waits for stock (settle is idle meanwhile); raising the stock resumes it as a restock does; GET /api/test/emails has its emails, newest first", async ({ stack }) => {
  const email = `backorder.${Date.now()}@example.test`;
  const shopper = await newShopper(stack, email);
  expect(await control(stack, "PUT", "stock/LIMITED-1", { stock: 0 })).toEqual({ status: 200, body: { sku: "LIMITED-1", stock: 0 } });
  const orderId = await order(stack, shopper, "LIMITED-1", 1);
  expect(await settle(stack, 30)).toEqual({ idle: true });
  expect(await statusOf(stack, shopper, orderId)).toBe("backordered");

  expect(await control(stack, "PUT", "stock/LIMITED-1", { stock: 2 })).toEqual({ status: 200, body: { sku: "LIMITED-1", stock: 2 } });
  expect(await settle(stack, 30)).toEqual({ idle: true });
  expect(await statusOf(stack, shopper, orderId)).toBe("shipped");
  expect(await stockOf(stack, "LIMITED-1")).toBe(1);

  const { status, body } = await control(stack, "GET", `emails?to=${encodeURIComponent(email.toUpperCase())}`);
  expect(status).toBe(200);
  expect(body.data).toEqual([
    { to: email, subject: `Your order ${orderId} is confirmed`, text: expect.stringContaining(orderId), sent_at: expect.any(String), order_id: orderId },
    { to: email, subject: `Order ${orderId} is back-ordered`, text: expect.stringContaining("out of stock"), sent_at: expect.any(String), order_id: orderId },
  ]);
  expect(Date.parse(body.data[0].sent_at)).toBeGreaterThanOrEqual(Date.parse(body.data[1].sent_at));
  const all = await control(stack, "GET", "emails");
  expect(all.body.data.map((m: { to: string }) => m.to)).toEqual(expect.arrayContaining([email, "warehouse@conveyor.test"]));
  expect(await control(stack, "GET", "emails?to=nobody%40example.test")).toEqual({ status: 200, body: { data: [] } });
  expect((await control(stack, "GET", "emails?limit=0")).status).toBe(400);

  const unknown = await control(stack, "PUT", "stock/NO-SUCH-SKU", { stock: 1 });
  expect(unknown.status).toBe(404);
  expectErrorBody(unknown.body, "not_found");
  for (const body of [{}, { stock: -1 }, { stock: 1.5 }, { stock: "3" }, { stock: 2_000_000 }, { stock: 1, sku: "X" }]) {
    const { status: code, body: answer } = await control(stack, "PUT", "stock/LIMITED-1", body);
    expect(code, JSON.stringify(body)).toBe(400);
    expectErrorBody(answer, "invalid_request");
  }
});

async function waitingLookUps(stack: Stack, orderId: string): Promise<number> {
  const { rows } = await stack.pool.query("SELECT 1 FROM pgboss.job WHERE name = 'reconcilePayment' AND data->>'orderId' = $1 AND state = 'created'", [orderId]);
  return rows.length;
}

test("POST /api/test/settle: waits for the payment provider's webhook, not for a look-up scheduled minutes later nor for dead letters; a bad timeout is a 400", async ({ stack }) => {
  test.setTimeout(120_000);
  for (const bad of ["abc", "61", "-1", "", "1e3"]) {
    const { status, body } = await control(stack, "POST", `settle?timeout_s=${bad}`);
    expect(status, bad).toBe(400);
    expectErrorBody(body, "invalid_request");
  }
  expect(await settle(stack, 30)).toEqual({ idle: true });
  const shopper = await newShopper(stack);

  // Every charge schedules a payment look-up minutes away, and its verdict withdraws it (decision 058).
  const plain = await order(stack, shopper);
  expect(await settle(stack, 30)).toEqual({ idle: true });
  expect(await statusOf(stack, shopper, plain)).toBe("shipped");
  expect(await waitingLookUps(stack, plain)).toBe(0);
  // A charge whose webhook is lost keeps its look-up, and settle does not wait for it.
  await stack.setDownstream("payment", { dropWebhooks: true });
  try {
    const lost = await order(stack, shopper);
    expect(await settle(stack, 30)).toEqual({ idle: true });
    expect(await statusOf(stack, shopper, lost)).toBe("payment_processing");
    expect(await waitingLookUps(stack, lost)).toBe(1);
  } finally {
    await stack.setDownstream("payment", { dropWebhooks: false });
  }

  // The provider cannot decide while fraud screening is down: no job runs, but a webhook is owed.
  await control(stack, "PUT", "downstream/fraud", { outage: true });
  const owed = await order(stack, shopper);
  await expect.poll(() => openJobsForOrder(stack, owed, ["reconcilePayment"]), { timeout: 30_000 }).toBe(0);
  expect(await settle(stack, 0)).toEqual({ idle: false, waiting: { "payment.webhook": 1 } });
  await control(stack, "PUT", "downstream/fraud", { outage: false });
  expect(await settle(stack, 60)).toEqual({ idle: true });
  expect(await statusOf(stack, shopper, owed)).toBe("shipped");

  // A carrier outage outlasting the retries: the shipment is a dead letter, which nothing runs.
  await control(stack, "PUT", "downstream/carrier", { outage: true });
  const dead = await order(stack, shopper);
  expect(await settle(stack, 60)).toEqual({ idle: true });
  expect(await statusOf(stack, shopper, dead)).toBe("confirmed");
  const { rows: deadLetters } = await stack.pool.query("SELECT 1 FROM pgboss.job WHERE name = 'createShipment.dead' AND data->>'orderId' = $1", [dead]);
  expect(deadLetters).toHaveLength(1);
  await control(stack, "PUT", "downstream/carrier", { outage: false });
});

test("POST /api/test/reset: 204, and every order, job, cart, email and shopper but the admins is gone, stock and services are as seeded, the overview reads 0 — and the shop goes on", async ({ stack }) => {
  test.setTimeout(120_000);
  const admin = await stack.newShopper({ admin: true });
  const shopper = await newShopper(stack, `reset.${Date.now()}@example.test`);
  await order(stack, shopper);
  await control(stack, "PUT", "stock/LIMITED-1", { stock: 0 });
  await order(stack, shopper, "LIMITED-1", 2);
  await control(stack, "PUT", "downstream/carrier", { outage: true, latency_ms: 40 });
  await order(stack, shopper);
  const cart = await fetch(`${stack.baseURL}/api/trpc/cart.add`, {
    method: "POST",
    headers: { ...shopper.headers, "Content-Type": "application/json" },
    body: JSON.stringify({ sku: "GIZMO-3", quantity: 2 }),
  });
  expect(cart.status).toBe(200);
  expect(await settle(stack, 60)).toEqual({ idle: true });
  const overviewBefore = await adminCall(stack, "query", "admin.overview", undefined, admin.headers);
  expect(Object.values(overviewBefore.statusCounts as Record<string, number>).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

  const reset = await stack.testControl("POST", "reset");
  expect(reset.status).toBe(204);
  expect(await reset.text()).toBe("");

  expect((await fetch(`${stack.baseURL}/api/orders`, { headers: shopper.headers })).status).toBe(401);
  expect(await sessionOf(stack, cookieHeader(shopper))).toBeNull();
  const overview = await adminCall(stack, "query", "admin.overview", undefined, admin.headers);
  expect(Object.values(overview.statusCounts as Record<string, number>).every((n) => n === 0)).toBe(true);
  expect((overview.queues as { waiting: number; dead: number; retrying: number; scheduled: number }[]).every((q) => q.waiting + q.dead + q.retrying + q.scheduled === 0)).toBe(true);
  const { rows } = await stack.pool.query<{ orders: number; carts: number; shoppers: number }>(`
    SELECT (SELECT count(*) FROM orders)::int AS orders,
           (SELECT count(*) FROM cart_lines)::int AS carts,
           (SELECT count(*) FROM shoppers WHERE role <> 'admin')::int AS shoppers`);
  // Any job left names itself: its queue, state and data say which work outlived the reset.
  const { rows: jobsLeft } = await stack.pool.query(`SELECT name, state, retry_count, data, created_on, started_on FROM pgboss.job WHERE NOT (${JOBS_A_RESET_KEEPS})`);
  expect({ ...rows[0], jobs: jobsLeft.length }, JSON.stringify(jobsLeft)).toEqual({ orders: 0, jobs: 0, carts: 0, shoppers: 0 });
  expect(await control(stack, "GET", "emails")).toEqual({ status: 200, body: { data: [] } });
  expect(await stockOf(stack, "LIMITED-1")).toBe(3);
  expect((await control(stack, "PUT", "downstream/carrier", {})).body).toEqual({ service: "carrier", latency_ms: 2, jitter_ms: 3, failure_rate: 0, outage: false, capacity: 32 });
  const healthDetails = { headers: { Authorization: `Bearer ${stack.healthToken}` } };
  await expect.poll(async () => (await (await fetch(`${stack.baseURL}/api/health`, healthDetails)).json()).dead_letters, { timeout: 30_000 }).toBe(0);

  const next = await newShopper(stack);
  const orderId = await order(stack, next);
  expect(await settle(stack, 30)).toEqual({ idle: true });
  expect(await statusOf(stack, next, orderId)).toBe("shipped");
});
