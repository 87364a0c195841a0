/**
 * The admin dashboard's server side over real HTTP (tRPC + SSE) against a whole stack whose
 * retry budget is set low (1 retry), so failing steps reach dead letters quickly.
 */
import { expect, startFromCleanShop, test } from "../support/fixtures";
import { placeOrder, waitForStatus } from "../support/api";
import { chargesFor, mailFor } from "../support/db";
import { openEventStream } from "../support/sse";
import { type Shopper } from "../support/stack";
import { adminCall, trpcMutation, trpcQuery } from "../support/admin-trpc";
import { ADMIN_ENDPOINTS, ADMIN_PROCEDURES } from "./procedures";

// A retry budget of 1 retry after 1 s, so a failing step reaches the dead letters in seconds;
// a clean shop, so the dead letters are this file's.
startFromCleanShop("oneRetry");
let admin: Shopper;
let shopper: Shopper;

test.beforeAll(async ({ stack }) => {
  admin = await stack.newShopper({ admin: true });
  shopper = await stack.newShopper();
});

test("a guest and a shopper are refused every admin procedure and endpoint; an admin is not", async ({ stack }) => {
  for (const { path, kind, input } of ADMIN_PROCEDURES) {
    const call = kind === "query" ? trpcQuery : trpcMutation;
    // A browser visitor is not a guest until their first cart line; either way, admins only.
    const guest = await call(stack, path, input);
    expect(guest.status, `${path} as guest`).toBe(403);
    const badKey = await call(stack, path, input, { Authorization: "Bearer not-a-key" });
    expect(badKey.status, `${path} with a bad key`).toBe(401);
    const asShopper = await call(stack, path, input, shopper.headers);
    expect(asShopper.status, `${path} as shopper`).toBe(403);
  }
  for (const endpoint of ADMIN_ENDPOINTS) {
    expect((await fetch(`${stack.baseURL}${endpoint}`)).status, `${endpoint} as guest`).toBe(401);
    expect((await fetch(`${stack.baseURL}${endpoint}`, { headers: shopper.headers })).status, `${endpoint} as shopper`).toBe(403);
  }
  const overview = await trpcQuery(stack, "admin.overview", { window: "15m" }, admin.headers);
  expect(overview.status).toBe(200);
  expect(Object.keys(overview.data.statusCounts)).toContain("shipped");
});

test("the live overview stream pushes new counts while orders flow", async ({ stack }) => {
  const events = await openEventStream(`${stack.baseURL}/api/admin/overview/stream?window=15m`, admin.headers);
  try {
    expect(events.response.status).toBe(200);
    const shipped = () => events.frames.filter((f) => f.event === "overview").map((f) => JSON.parse(f.data).statusCounts.shipped as number);
    await events.waitFor(() => shipped().length > 0, 10_000, "the first overview");
    const before = shipped()[0]!;
    const orderIds = await Promise.all(Array.from({ length: 3 }, () => placeOrder(stack, shopper)));
    await events.waitFor(() => (shipped().at(-1) ?? 0) >= before + orderIds.length, 30_000, "the shipped count to grow");
    // Pushed updates are coalesced: never more than a few per second.
    const times = events.frames.filter((f) => f.event === "overview").map((f) => Date.parse(JSON.parse(f.data).generatedAt));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(400);
  } finally {
    events.close();
  }
});

test("jobs that exhaust their retries are dead letters; Redrive all (clicked twice) ships each order with one charge", async ({ stack }) => {
  await stack.setDownstream("carrier", { outage: true });
  let orderIds: string[] = [];
  try {
    orderIds = await Promise.all(Array.from({ length: 3 }, () => placeOrder(stack, shopper)));
    await expect
      .poll(async () => {
        const groups = await adminCall(stack, "query", "admin.deadLetters", undefined, admin.headers);
        return groups.flatMap((g: any) => g.jobs.map((j: any) => j.orderId)).filter((id: string) => orderIds.includes(id)).length;
      }, { timeout: 30_000 })
      .toBe(orderIds.length);
    const groups = await adminCall(stack, "query", "admin.deadLetters", undefined, admin.headers);
    const carrierGroup = groups.find((g: any) => g.queue === "createShipment");
    expect(carrierGroup.count).toBeGreaterThanOrEqual(3);
    expect(carrierGroup.error).toContain("carrier");
  } finally {
    await stack.setDownstream("carrier", { outage: false });
  }
  const [a, b] = await Promise.all([
    adminCall(stack, "mutation", "admin.redrive", { all: true }, admin.headers),
    adminCall(stack, "mutation", "admin.redrive", { all: true }, admin.headers),
  ]);
  expect(a.redriven + b.redriven).toBeGreaterThanOrEqual(orderIds.length);
  for (const id of orderIds) {
    const order = await waitForStatus(stack, shopper, id, ["shipped"], 30_000);
    expect(order.tracking).toBeTruthy();
    expect(await chargesFor(stack, id)).toHaveLength(1);
    expect((await mailFor(stack, id)).filter((m) => m.template === "confirmation")).toHaveLength(1);
  }
  // Job attempts reach the timeline in the worker's next batch (every 200 ms), so the last
  // one may land just after the order shipped.
  const timeline = async () => (await adminCall(stack, "query", "admin.order", { orderId: orderIds[0] }, admin.headers)).entries as any[];
  const shipments = async () => (await timeline()).filter((e) => e.kind === "job" && e.label.startsWith("createShipment"));
  await expect.poll(async () => (await shipments()).at(-1)?.outcome, { timeout: 10_000 }).toBe("completed");
  expect((await shipments()).some((e) => e.outcome === "failed" && e.error)).toBe(true);
  expect((await timeline()).some((e) => e.kind === "webhook" && e.outcome === "processed")).toBe(true);
});

test("restock resumes a back-ordered order and empties its back-order queue", async ({ stack }) => {
  const orderId = await placeOrder(stack, shopper, { items: [{ sku: "LIMITED-1", quantity: 5 }], payment_method: "pm_visa_4242" });
  await waitForStatus(stack, shopper, orderId, ["backordered"]);
  const inventory = await adminCall(stack, "query", "admin.inventory", undefined, admin.headers);
  const limited = inventory.find((row: any) => row.sku === "LIMITED-1");
  expect(limited.backorders.map((b: any) => b.orderId)).toContain(orderId);
  await adminCall(stack, "mutation", "admin.restock", { sku: "LIMITED-1", quantity: 2 }, admin.headers);
  await waitForStatus(stack, shopper, orderId, ["confirmed", "shipped"]);
  const after = await adminCall(stack, "query", "admin.inventory", undefined, admin.headers);
  expect(after.find((row: any) => row.sku === "LIMITED-1").backorders).toHaveLength(0);
});

test("a saved service setting changes the latency the next order sees", async ({ stack }) => {
  const settings = { service: "invoicing", baseLatencyMs: 700, jitterMs: 0, spikeLatencyMs: 0, spikeSeconds: 0, failureRatePercent: 0, outage: false, capacity: 32 };
  await adminCall(stack, "mutation", "admin.updateService", settings, admin.headers);
  try {
    const orderId = await placeOrder(stack, shopper);
    await waitForStatus(stack, shopper, orderId, ["shipped"]);
    await expect
      .poll(async () => {
        const timeline = await adminCall(stack, "query", "admin.order", { orderId }, admin.headers);
        return timeline.entries.find((e: any) => e.kind === "job" && e.label.startsWith("createInvoice"))?.runMs ?? 0;
      })
      .toBeGreaterThanOrEqual(700);
  } finally {
    await adminCall(stack, "mutation", "admin.updateService", { ...settings, baseLatencyMs: 2, jitterMs: 3 }, admin.headers);
  }
});

test("order search filters by status, email and id, pages with a cursor, and leaves lab orders out", async ({ stack }) => {
  const mine = await Promise.all(Array.from({ length: 3 }, () => placeOrder(stack, shopper)));
  for (const id of mine) await waitForStatus(stack, shopper, id, ["shipped"]);
  const byEmail = await adminCall(stack, "query", "admin.orders", { shopper: shopper.email, limit: 2 }, admin.headers);
  expect(byEmail.data).toHaveLength(2);
  expect(byEmail.nextCursor).toBeTruthy();
  const page2 = await adminCall(stack, "query", "admin.orders", { shopper: shopper.email, limit: 2, cursor: byEmail.nextCursor }, admin.headers);
  const seen = [...byEmail.data, ...page2.data].map((o: any) => o.orderId);
  expect(new Set(seen).size).toBe(seen.length);
  const byId = await adminCall(stack, "query", "admin.orders", { q: mine[0] }, admin.headers);
  expect(byId.data.map((o: any) => o.orderId)).toEqual([mine[0]]);
  const shipped = await adminCall(stack, "query", "admin.orders", { status: "shipped", limit: 100 }, admin.headers);
  expect(shipped.data.every((o: any) => o.status === "shipped" && !o.lab)).toBe(true);
  const tracking = shipped.data.find((o: any) => o.orderId === mine[1]).tracking;
  const byTracking = await adminCall(stack, "query", "admin.orders", { q: tracking }, admin.headers);
  expect(byTracking.data.map((o: any) => o.orderId)).toEqual([mine[1]]);
});
