import { expect, test, useSharedStack } from "../support/fixtures";
import { PAID_PATH, waitForStatus } from "../support/api";
import { endpointCall, startReceiver, type Receiver } from "../support/webhook-receiver";

/**
 * Outbound webhooks (CONTRACT §8) end to end: endpoints registered over REST, deliveries from
 * the worker to receivers on loopback, verified with the `standardwebhooks` verifier. The
 * file's own stack retries after a second instead of 5 s, 5 min, … (WEBHOOK_RETRY_SCHEDULE):
 * tests wait on what the receiver got, never on time.
 */
useSharedStack("quickTimers");
test.describe.configure({ mode: "parallel" });

const receivers: Receiver[] = [];
async function receiver(answer?: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
  const started = await startReceiver(answer);
  receivers.push(started);
  return started;
}
test.afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

test("a receiver gets every status of an order, signed, once per webhook-id", async ({ stack, shopper, api }) => {
  const hooks = await receiver();
  const created = await endpointCall(stack, shopper, "POST", "", { url: hooks.url, description: "orders" });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ id: expect.stringMatching(/^we_/), url: hooks.url, events: ["order.status_changed", "batch.completed"], status: "enabled", secret: expect.stringMatching(/^whsec_/) });
  expect((await endpointCall(stack, shopper, "GET", `/${created.body.id}`)).body).not.toHaveProperty("secret");

  const orderId = await api.placeOrder();
  const order = await api.waitForStatus(orderId, ["shipped"]);
  const statuses = order.events.map((e) => e.status);
  expect(statuses).toEqual(PAID_PATH);
  await expect.poll(() => hooks.verified(created.body.secret).length).toBe(statuses.length);

  const messages = hooks.verified(created.body.secret);
  expect(messages.map((m) => m.data.status).sort()).toEqual([...statuses].sort());
  for (const message of messages) {
    expect(message).toMatchObject({ id: expect.stringMatching(/^msg_/), type: "order.status_changed", data: { order_id: orderId, total: order.total, currency: "USD", items: order.items } });
    expect(message.data).not.toHaveProperty("events");
  }
  expect(messages.find((m) => m.data.status === "shipped")!.data.tracking).toBe(order.tracking);
  // Every delivery is a span in the order's trace (CONTRACT §10): its traceparent names that trace.
  expect(order.trace_id).toMatch(/^[0-9a-f]{32}$/);
  for (const delivery of hooks.deliveries) expect(delivery.headers.traceparent).toMatch(new RegExp(`^00-${order.trace_id}-[0-9a-f]{16}-0[01]$`));

  await expect.poll(async () => (await endpointCall(stack, shopper, "GET", `/${created.body.id}/deliveries`)).body.data.map((d: { state: string }) => d.state)).toEqual(statuses.map(() => "delivered"));
  const log = await endpointCall(stack, shopper, "GET", `/${created.body.id}/deliveries?limit=2`);
  expect(log.body.data).toHaveLength(2);
  expect(log.body.next_cursor).toEqual(expect.any(String));
  const next = await endpointCall(stack, shopper, "GET", `/${created.body.id}/deliveries?limit=2&cursor=${log.body.next_cursor}`);
  expect(next.body.data[0].message_id).not.toBe(log.body.data[1].message_id);
});

test("a receiver answering 500 gets the same message again on retry; a manual retry sends it once more", async ({ stack, shopper, api }) => {
  const hooks = await receiver((_delivery, index) => (index === 0 ? 500 : 200));
  const created = await endpointCall(stack, shopper, "POST", "", { url: hooks.url });
  await api.placeOrder();
  // The first delivery of all was answered 500; its message comes again, with the same bytes.
  await expect.poll(() => hooks.deliveries.length).toBeGreaterThanOrEqual(1);
  const messageId = hooks.deliveries[0]!.headers["webhook-id"]!;
  const ofMessage = () => hooks.deliveries.filter((d) => d.headers["webhook-id"] === messageId);
  await expect.poll(() => ofMessage().length).toBeGreaterThanOrEqual(2);
  expect(ofMessage()[1]!.body).toBe(ofMessage()[0]!.body);

  const deliveries = async () => (await endpointCall(stack, shopper, "GET", `/${created.body.id}/deliveries`)).body.data as { message_id: string; state: string; attempts: { status_code?: number }[] }[];
  await expect.poll(async () => (await deliveries()).find((d) => d.message_id === messageId)?.attempts.map((a) => a.status_code)).toEqual([500, 200]);
  expect((await deliveries()).find((d) => d.message_id === messageId)!.state).toBe("delivered");

  const seen = ofMessage().length;
  const retried = await endpointCall(stack, shopper, "POST", `/${created.body.id}/deliveries/${messageId}/retry`);
  expect(retried.status).toBe(202);
  expect(retried.body).toMatchObject({ message_id: messageId, state: "pending" });
  await expect.poll(() => ofMessage().length).toBe(seen + 1);
});

test("a slow endpoint holds at most 2 deliveries in flight and never delays another endpoint's", async ({ stack, shopper, api }) => {
  // Held open until released: each request a worker sends here waits (up to the 15 s timeout).
  let release: () => void = () => {};
  const released = new Promise<number>((resolve) => (release = () => resolve(200)));
  const slow = await receiver(() => released);
  const slowEndpoint = await endpointCall(stack, shopper, "POST", "", { url: slow.url });
  expect(slowEndpoint.status).toBe(201);
  try {
    const slowOrder = await api.placeOrder();
    await api.waitForStatus(slowOrder, ["shipped"]);
    await expect.poll(() => slow.inFlight()).toBe(2);

    const other = await stack.newShopper();
    const fast = await receiver();
    const fastEndpoint = await endpointCall(stack, other, "POST", "", { url: fast.url });
    const placed = await fetch(`${stack.baseURL}/api/orders`, { method: "POST", headers: { "Content-Type": "application/json", ...other.headers }, body: JSON.stringify({ items: [{ sku: "GADGET-7", quantity: 1 }], payment_method: "pm_visa_4242" }) });
    expect(placed.status).toBe(202);
    await waitForStatus(stack, other, (await placed.json()).order_id, ["shipped"]);
    // The fast endpoint has its own bound of two in flight: a delivery started beside two others
    // hands its message to a job 2 s later (BUSY_RETRY_SECONDS, deliver-webhook-message.ts), so
    // on a loaded machine its five messages can take a few such turns: wait on them, not on 10 s.
    await expect
      .poll(() => fast.verified(fastEndpoint.body.secret).map((m) => m.data.status).sort(), { timeout: 30_000 })
      .toEqual(["confirmed", "payment_confirmed", "payment_processing", "pending", "shipped"]);
    // All the while the slow endpoint's messages were waiting, never more than two of them sent at once.
    const slowLog = await endpointCall(stack, shopper, "GET", `/${slowEndpoint.body.id}/deliveries`);
    expect(slowLog.body.data.filter((d: { state: string }) => d.state === "pending").length).toBeGreaterThan(0);
    expect(slow.maxInFlight()).toBe(2);
  } finally {
    release();
  }
  await expect.poll(() => slow.verified(slowEndpoint.body.secret).length).toBe(5);
  expect(slow.maxInFlight()).toBe(2);
});

test("a 410 disables the endpoint at once", async ({ stack, shopper, api }) => {
  const hooks = await receiver(() => 410);
  const created = await endpointCall(stack, shopper, "POST", "", { url: hooks.url });
  await api.placeOrder();
  await expect.poll(async () => (await endpointCall(stack, shopper, "GET", `/${created.body.id}`)).body.status).toBe("disabled");
  expect((await endpointCall(stack, shopper, "GET", `/${created.body.id}`)).body.disabled_reason).toContain("410");
  const enabled = await endpointCall(stack, shopper, "PATCH", `/${created.body.id}`, { status: "enabled" });
  expect(enabled.body).toMatchObject({ status: "enabled" });
  expect(enabled.body).not.toHaveProperty("disabled_reason");
});

test("after a rotation, deliveries verify with the old and with the new secret", async ({ stack, shopper, api }) => {
  const hooks = await receiver();
  const created = await endpointCall(stack, shopper, "POST", "", { url: hooks.url, events: ["order.status_changed"] });
  const rotated = await endpointCall(stack, shopper, "POST", `/${created.body.id}/rotate-secret`);
  expect(rotated.status).toBe(200);
  expect(rotated.body.secret).toMatch(/^whsec_/);
  expect(rotated.body.secret).not.toBe(created.body.secret);
  const orderId = await api.placeOrder();
  await api.waitForStatus(orderId, ["shipped"]);
  await expect.poll(() => hooks.verified(rotated.body.secret).length).toBe(5);
  expect(hooks.verified(created.body.secret)).toHaveLength(5);
  for (const delivery of hooks.deliveries) expect(delivery.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
});

test("endpoints are their owner's alone; bad input is a 400 and the limits hold", async ({ stack, shopper }) => {
  const hooks = await receiver();
  const created = await endpointCall(stack, shopper, "POST", "", { url: hooks.url });
  const other = await stack.newShopper();
  const id = created.body.id as string;
  for (const [method, path] of [
    ["GET", `/${id}`],
    ["PATCH", `/${id}`],
    ["DELETE", `/${id}`],
    ["POST", `/${id}/rotate-secret`],
    ["GET", `/${id}/deliveries`],
    ["POST", `/${id}/deliveries/msg_nothere/retry`],
  ] as const) {
    const answer = await endpointCall(stack, other, method, path, method === "PATCH" ? { description: "mine now" } : undefined);
    expect(answer.status, `${method} ${path}`).toBe(404);
  }
  expect((await endpointCall(stack, other, "GET", "")).body).toEqual({ data: [] });
  expect((await endpointCall(stack, undefined, "GET", "")).status).toBe(401);

  expect((await endpointCall(stack, shopper, "POST", "", { url: "not a url" })).status).toBe(400);
  expect((await endpointCall(stack, shopper, "POST", "", { url: hooks.url, events: ["order.created"] })).status).toBe(400);
  expect((await endpointCall(stack, shopper, "POST", "", { url: hooks.url, secret: "whsec_mine" })).status).toBe(400);
  expect((await endpointCall(stack, shopper, "POST", "", { url: `${hooks.url}?${"x".repeat(2100)}` })).status).toBe(400);

  const listed = await endpointCall(stack, shopper, "GET", "");
  for (let n = listed.body.data.length; n < 20; n++) expect((await endpointCall(stack, shopper, "POST", "", { url: hooks.url })).status).toBe(201);
  const over = await endpointCall(stack, shopper, "POST", "", { url: hooks.url });
  expect(over.status).toBe(409);
  expect(over.body.error.code).toBe("too_many_endpoints");

  expect((await endpointCall(stack, shopper, "DELETE", `/${id}`)).status).toBe(204);
  expect((await endpointCall(stack, shopper, "GET", `/${id}`)).status).toBe(404);
});
