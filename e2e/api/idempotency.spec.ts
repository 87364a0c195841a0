import { expect, test } from "../support/fixtures";
import { count, eq } from "drizzle-orm";
import { orders } from "@/server/db/schema";
import { expectErrorBody, postOrder, TWO_WIDGETS } from "../support/api";

// Each test keeps to its own shopper and orders: they run on any worker, in any order.
test.describe.configure({ mode: "parallel" });

test("50 concurrent requests with one Idempotency-Key create exactly one order; the others are told it is in progress or get the same answer", async ({ stack, shopper }) => {
  const key = `checkout-${Date.now()}`;
  const responses = await Promise.all(Array.from({ length: 50 }, () => postOrder(stack, shopper, TWO_WIDGETS, { "Idempotency-Key": key })));

  // While the first is in its transaction the key is "being processed" (409); once it has
  // committed, the same request is a replay of its 202.
  const accepted = responses.filter((r) => r.status === 202);
  const inProgress = responses.filter((r) => r.status === 409);
  expect(accepted.length + inProgress.length).toBe(50);
  expect(accepted.length).toBeGreaterThanOrEqual(1);
  for (const r of accepted) expect(r.body).toEqual(accepted[0]!.body);
  for (const r of inProgress) expectErrorBody(r.body, "idempotency_key_in_use");

  const [row] = await stack.db.select({ n: count() }).from(orders).where(eq(orders.shopperId, shopper.id));
  expect(row!.n).toBe(1);
  const replay = await postOrder(stack, shopper, TWO_WIDGETS, { "Idempotency-Key": key });
  expect(replay.status).toBe(202);
  expect(replay.body).toEqual(accepted[0]!.body);

  const different = await postOrder(stack, shopper, { ...TWO_WIDGETS, items: [{ sku: "GADGET-7", quantity: 1 }] }, { "Idempotency-Key": key });
  expect(different.status).toBe(422);
  expectErrorBody(different.body, "idempotency_key_reused");
});

test("a replay is the first response byte for byte, headers included", async ({ stack, shopper }) => {
  const send = () =>
    fetch(`${stack.baseURL}/api/orders`, {
      method: "POST",
      headers: { ...shopper.headers, "Content-Type": "application/json", "Idempotency-Key": `bytes-${shopper.id}`, Prefer: "wait=10" },
      body: JSON.stringify(TWO_WIDGETS),
    });
  const first = await send();
  const firstText = await first.text();
  const again = await send();
  expect(again.status).toBe(first.status);
  expect(await again.text()).toBe(firstText);
  expect(again.headers.get("preference-applied")).toBe(first.headers.get("preference-applied"));
  expect(again.headers.get("location")).toBe(first.headers.get("location"));
  expect(again.headers.get("idempotent-replayed")).toBe("true");
});

test("the same body with different JSON key order or spacing is the same request", async ({ stack, shopper }) => {
  const key = `reorder-${Date.now()}`;
  const first = await postOrder(stack, shopper, '{"items":[{"sku":"WIDGET-42","quantity":2}],"payment_method":"pm_visa_4242"}', { "Idempotency-Key": key });
  const second = await postOrder(stack, shopper, '{ "payment_method": "pm_visa_4242", "items": [ { "quantity": 2, "sku": "WIDGET-42" } ] }', { "Idempotency-Key": key });
  expect(second.status).toBe(first.status);
  expect(second.body).toEqual(first.body);
  expect(second.headers.get("location")).toBe(first.headers.get("location"));
});

test("keys are scoped per shopper", async ({ stack }) => {
  const alice = await stack.newShopper();
  const bob = await stack.newShopper();
  const key = `shared-${Date.now()}`;
  const a = await postOrder(stack, alice, TWO_WIDGETS, { "Idempotency-Key": key });
  const b = await postOrder(stack, bob, TWO_WIDGETS, { "Idempotency-Key": key });
  expect([a.status, b.status]).toEqual([202, 202]);
  expect(a.body.order_id).not.toBe(b.body.order_id);
});

test("a key still being processed answers 409, then the first response (201) is replayed exactly", async ({ stack, shopper }) => {
  const key = `held-${Date.now()}`;
  await stack.setDownstream("payment", { baseLatencyMs: 1500 });
  try {
    const first = postOrder(stack, shopper, TWO_WIDGETS, { "Idempotency-Key": key, Prefer: "wait=10" });
    // The first request has committed its order and is now waiting for it to settle.
    await expect
      .poll(async () => (await fetch(`${stack.baseURL}/api/orders`, { headers: shopper.headers }).then((r) => r.json())).data.length)
      .toBe(1);
    const during = await postOrder(stack, shopper, TWO_WIDGETS, { "Idempotency-Key": key });
    expect(during.status).toBe(409);
    expectErrorBody(during.body, "idempotency_key_in_use");

    const settled = await first;
    expect(settled.status).toBe(201);
    const replay = await postOrder(stack, shopper, TWO_WIDGETS, { "Idempotency-Key": key, Prefer: "wait=10" });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(settled.body);
  } finally {
    await stack.setDownstream("payment", { baseLatencyMs: 2 });
  }
});

test("a request rejected for bad input does not burn the key", async ({ stack, shopper }) => {
  const key = `retry-after-fix-${Date.now()}`;
  const bad = await postOrder(stack, shopper, { items: [{ sku: "NOPE-1", quantity: 1 }], payment_method: "pm_visa_4242" }, { "Idempotency-Key": key });
  expect(bad.status).toBe(422);
  const good = await postOrder(stack, shopper, TWO_WIDGETS, { "Idempotency-Key": key });
  expect(good.status).toBe(202);
});
