import { expect, test } from "../support/fixtures";
import { eq } from "drizzle-orm";
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { products } from "@/server/db/schema";
import type { OrderView } from "@/server/orders/order-view";
import { expectErrorBody, getOrder, PAID_PATH, placeOrder, waitForStatus } from "../support/api";
import { openJobsForOrder } from "../support/db";
import { type Shopper, type Stack } from "../support/stack";
import { hexSignature, newWebhookId, nowSeconds, postWebhook, sendWebhook, xWebhookHeaders } from "../support/webhooks";

// Our side of a secret rotation in progress: the secret being retired is still accepted.
const PREVIOUS_SECRET = `whsec_${randomBytes(32).toString("base64")}`;

// A high retry limit keeps the charge job of every order retrying against the outage below
// for the whole file, instead of giving up and failing the order on its own.
test.use({ stackEnv: { JOB_RETRY_LIMIT: "50", PAYMENT_WEBHOOK_SECRET_PREVIOUS: PREVIOUS_SECRET } });

test.beforeAll(async ({ stack }) => {
  // The simulated provider never creates a charge: this file plays the provider and sends
  // every webhook itself. Inventory still runs, so a visa order waits in `pending`, stock
  // reserved, until our webhook arrives.
  await stack.setDownstream("payment", { outage: true });
});

const WRONG_SECRET = `whsec_${Buffer.from("not-the-configured-secret").toString("base64")}`;

const completed = (orderId: string, amount = 49.98) => ({
  event: "payment.completed",
  order_id: orderId,
  amount,
  currency: "USD",
  completed_at: new Date().toISOString(),
});
const failed = (orderId: string, amount = 49.98) => ({ event: "payment.failed", order_id: orderId, amount, currency: "USD", reason: "card_declined" });
const flagged = (orderId: string, amount: number) => ({
  event: "payment.flagged",
  order_id: orderId,
  amount,
  currency: "USD",
  reason: "high_risk_score",
  risk_score: 0.97,
});

async function snapshot(stack: Stack, shopper: Shopper, orderId: string): Promise<OrderView> {
  const { status, body } = await getOrder(stack, shopper, orderId);
  expect(status).toBe(200);
  return body as OrderView;
}

/**
 * A webhook writes its effects before it answers 200 or queues them as jobs, so once the
 * order's queued work has settled nothing more can happen to it. The charge job is left out:
 * it retries against the provider outage for the whole file; so are the reconciliation
 * lookup (due minutes later) and a reversal (retrying against the same outage) — both
 * address the provider, which this file keeps down.
 */
async function expectUnchanged(stack: Stack, shopper: Shopper, orderId: string, before: OrderView): Promise<void> {
  await expect.poll(() => openJobsForOrder(stack, orderId, ["chargePayment", "reconcilePayment", "reversePayment"]), { timeout: 30_000 }).toBe(0);
  const after = await snapshot(stack, shopper, orderId);
  expect(after.status).toBe(before.status);
  expect(after.events).toEqual(before.events);
}

async function productStock(stack: Stack, sku: string): Promise<number> {
  const [product] = await stack.db.select({ stock: products.stock }).from(products).where(eq(products.sku, sku));
  return product!.stock;
}

test("a payment.completed signed with X-Webhook-Signature → 200, and the order travels on to shipped", async ({ stack, shopper }) => {
  const orderId = await placeOrder(stack, shopper);
  expect((await snapshot(stack, shopper, orderId)).status).toBe("pending");

  const response = await sendWebhook(stack, completed(orderId));
  expect(response.status).toBe(200);
  const order = await waitForStatus(stack, shopper, orderId, ["shipped"]);
  expect(order.events.map((e) => e.status)).toEqual(PAID_PATH);
  expect(order.tracking).toEqual(expect.any(String));
});

test("Standard Webhooks headers produced by the standardwebhooks library → 200", async ({ stack, shopper }) => {
  const orderId = await placeOrder(stack, shopper);
  const id = newWebhookId();
  const body = JSON.stringify(completed(orderId));
  const sentAt = new Date();
  const headers = {
    "Content-Type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
    "webhook-signature": new Webhook(stack.webhookSecret).sign(id, sentAt, body),
  };
  expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);

  const response = await postWebhook(stack, body, headers);
  expect(response.status).toBe(200);
  const order = await waitForStatus(stack, shopper, orderId, ["shipped"]);
  expect(order.events.map((e) => e.status)).toEqual(PAID_PATH);
});

test("secret rotation: several space-separated signatures, only one of them valid → 200", async ({ stack, shopper }) => {

  const xOrder = await placeOrder(stack, shopper);
  const xDelivery = { id: newWebhookId(), timestamp: nowSeconds(), body: JSON.stringify(completed(xOrder)) };
  const oldSignature = `sha256=${hexSignature(WRONG_SECRET, xDelivery.id, xDelivery.timestamp, xDelivery.body)}`;
  const newSignature = `sha256=${hexSignature(stack.webhookSecret, xDelivery.id, xDelivery.timestamp, xDelivery.body)}`;
  const xHeaders = xWebhookHeaders(stack.webhookSecret, { ...xDelivery, signature: `${oldSignature} ${newSignature}` });
  expect((await postWebhook(stack, xDelivery.body, xHeaders)).status).toBe(200);

  const standardOrder = await placeOrder(stack, shopper);
  const id = newWebhookId();
  const body = JSON.stringify(completed(standardOrder));
  const sentAt = new Date();
  const signatures = [new Webhook(WRONG_SECRET).sign(id, sentAt, body), new Webhook(stack.webhookSecret).sign(id, sentAt, body)];
  const standardHeaders = {
    "Content-Type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
    "webhook-signature": signatures.join(" "),
  };
  expect((await postWebhook(stack, body, standardHeaders)).status).toBe(200);

  await waitForStatus(stack, shopper, xOrder, ["shipped"]);
  await waitForStatus(stack, shopper, standardOrder, ["shipped"]);
});

test("our own secret rotation: a delivery signed with PAYMENT_WEBHOOK_SECRET_PREVIOUS alone → 200, one signed with neither secret → 401", async ({ stack, shopper }) => {
  const orderId = await placeOrder(stack, shopper);
  const body = JSON.stringify(completed(orderId));
  const forged = xWebhookHeaders(WRONG_SECRET, { id: newWebhookId(), timestamp: nowSeconds(), body });
  expect((await postWebhook(stack, body, forged)).status).toBe(401);

  const id = newWebhookId();
  const sentAt = new Date();
  const standard = {
    "Content-Type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
    "webhook-signature": new Webhook(PREVIOUS_SECRET).sign(id, sentAt, body),
  };
  expect((await postWebhook(stack, body, standard)).status).toBe(200);
  await waitForStatus(stack, shopper, orderId, ["shipped"]);

  const other = await placeOrder(stack, shopper);
  const xBody = JSON.stringify(failed(other));
  expect((await postWebhook(stack, xBody, xWebhookHeaders(PREVIOUS_SECRET, { id: newWebhookId(), timestamp: nowSeconds(), body: xBody }))).status).toBe(200);
  await waitForStatus(stack, shopper, other, ["payment_failed"]);
});

test("the signature covers the raw body bytes: odd whitespace, key order and non-ASCII text verify as sent", async ({ stack, shopper }) => {
  const orderId = await placeOrder(stack, shopper);
  const body = `{\n  "reason" : "carte refusée ✗",\t"order_id":"${orderId}",  "event": "payment.failed"\n}`;
  const headers = xWebhookHeaders(stack.webhookSecret, { id: newWebhookId(), timestamp: nowSeconds(), body });
  expect((await postWebhook(stack, body, headers)).status).toBe(200);
  await waitForStatus(stack, shopper, orderId, ["payment_failed"]);
});

test.describe("a delivery that cannot be authenticated → 401 with the error body, and changes nothing", () => {
  type Delivery = { id: string; timestamp: number; body: string };
  const withoutHeader = (stack: Stack, genuine: Delivery, missing: string) => {
    const headers = xWebhookHeaders(stack.webhookSecret, genuine);
    delete headers[missing];
    return { body: genuine.body, headers };
  };
  const cases: [string, (stack: Stack, orderId: string, genuine: Delivery) => { body: string; headers: Record<string, string> }][] = [
    [
      "a tampered body (signed for a different body)",
      (stack, orderId, genuine) => ({
        body: JSON.stringify({ ...completed(orderId), amount: 0.01 }),
        headers: xWebhookHeaders(stack.webhookSecret, genuine),
      }),
    ],
    ["a signature made with the wrong secret", (stack, _, genuine) => ({ body: genuine.body, headers: xWebhookHeaders(WRONG_SECRET, genuine) })],
    [
      "Standard Webhooks headers signed with the wrong secret",
      (stack, _, genuine) => ({
        body: genuine.body,
        headers: {
          "Content-Type": "application/json",
          "webhook-id": genuine.id,
          "webhook-timestamp": String(genuine.timestamp),
          "webhook-signature": new Webhook(WRONG_SECRET).sign(genuine.id, new Date(genuine.timestamp * 1000), genuine.body),
        },
      }),
    ],
    [
      "a correctly signed timestamp 301 s old",
      (stack, _, genuine) => {
        const stale = { ...genuine, timestamp: genuine.timestamp - 301 };
        return { body: genuine.body, headers: xWebhookHeaders(stack.webhookSecret, stale) };
      },
    ],
    [
      "a correctly signed timestamp 330 s in the future",
      (stack, _, genuine) => {
        // Not 301: the server's clock may tick a second on before it checks, which would bring
        // a future timestamp back inside the window (a stale one only gets staler).
        const early = { ...genuine, timestamp: genuine.timestamp + 330 };
        return { body: genuine.body, headers: xWebhookHeaders(stack.webhookSecret, early) };
      },
    ],
    ["no webhook headers at all", (stack, _, genuine) => ({ body: genuine.body, headers: { "Content-Type": "application/json" } })],
    ["no X-Webhook-Id header", (stack, _, genuine) => withoutHeader(stack, genuine, "X-Webhook-Id")],
    ["no X-Webhook-Timestamp header", (stack, _, genuine) => withoutHeader(stack, genuine, "X-Webhook-Timestamp")],
    ["no X-Webhook-Signature header", (stack, _, genuine) => withoutHeader(stack, genuine, "X-Webhook-Signature")],
  ];

  for (const [name, forge] of cases) {
    test(name, async ({ stack, shopper }) => {
      const orderId = await placeOrder(stack, shopper);
      const genuine = { id: newWebhookId(), timestamp: nowSeconds(), body: JSON.stringify(completed(orderId)) };
      const before = await snapshot(stack, shopper, orderId);

      const forged = forge(stack, orderId, genuine);
      const response = await postWebhook(stack, forged.body, forged.headers);
      expect(response.status).toBe(401);
      expectErrorBody(response.body, "unauthorized");
      await expectUnchanged(stack, shopper, orderId, before);

      // The rejected attempt did not use up the event id: the genuine delivery still counts.
      const delivered = await postWebhook(stack, genuine.body, xWebhookHeaders(stack.webhookSecret, genuine));
      expect(delivered.status).toBe(200);
      await waitForStatus(stack, shopper, orderId, ["payment_confirmed", "confirmed", "shipped"]);
    });
  }
});

test("a correctly signed body that violates the schema → 400 with the error body, order unchanged", async ({ stack, shopper }) => {
  const orderId = await placeOrder(stack, shopper);
  const before = await snapshot(stack, shopper, orderId);
  const { event: _event, ...withoutEvent } = completed(orderId);
  const { order_id: _orderId, ...withoutOrder } = completed(orderId);
  // A completion must say what was captured, or it could not be checked against the order.
  const { amount: _amount, ...withoutAmount } = completed(orderId);
  const { currency: _currency, ...withoutCurrency } = completed(orderId);
  const bodies = [
    { ...completed(orderId), event: "payment.unknown" },
    withoutEvent,
    withoutOrder,
    withoutAmount,
    withoutCurrency,
    { ...completed(orderId), amount: "49.98" },
    { ...failed(orderId), risk_score: "high" },
    { event: "payment.failed", order_id: orderId },
    { event: "payment.flagged", order_id: orderId, reason: "high_risk_score" },
    { ...failed(orderId), reason: "nul\u0000byte" },
    { ...completed(orderId), order_id: "ord_\u0000" },
  ];
  for (const body of bodies) {
    const response = await sendWebhook(stack, body);
    expect(response.status, JSON.stringify(body)).toBe(400);
    expectErrorBody(response.body, "invalid_request");
  }
  const notJson = "{ this is not json";
  const response = await postWebhook(stack, notJson, xWebhookHeaders(stack.webhookSecret, { id: newWebhookId(), timestamp: nowSeconds(), body: notJson }));
  expect(response.status).toBe(400);
  expectErrorBody(response.body, "invalid_request");
  await expectUnchanged(stack, shopper, orderId, before);
});

test("a correctly signed event for an unknown order → 404 with the error body", async ({ stack }) => {
  const response = await sendWebhook(stack, completed("ord_doesnotexist00000000"));
  expect(response.status).toBe(404);
  expectErrorBody(response.body, "not_found");
});

test("a duplicate X-Webhook-Id → 200 every time, and only the first delivery has any effect", async ({ stack, shopper }) => {
  const orderId = await placeOrder(stack, shopper);
  const otherOrderId = await placeOrder(stack, shopper);
  const id = newWebhookId();

  expect((await sendWebhook(stack, completed(orderId), { id })).status).toBe(200);
  const shipped = await waitForStatus(stack, shopper, orderId, ["shipped"]);
  expect(shipped.events.map((e) => e.status)).toEqual(PAID_PATH);
  const otherBefore = await snapshot(stack, shopper, otherOrderId);
  expect(otherBefore.status).toBe("pending");

  // Redeliveries of the same event, some of them at the same moment.
  const redeliveries = await Promise.all([1, 2, 3].map(() => sendWebhook(stack, completed(orderId), { id })));
  expect(redeliveries.map((r) => r.status)).toEqual([200, 200, 200]);
  // A different event under the same id: had it been processed, it would pay the other order.
  expect((await sendWebhook(stack, completed(otherOrderId), { id })).status).toBe(200);

  await expectUnchanged(stack, shopper, orderId, shipped);
  await expectUnchanged(stack, shopper, otherOrderId, otherBefore);
});

test("concurrent first deliveries of one event id: all 200, applied exactly once", async ({ stack, shopper }) => {
  const orderId = await placeOrder(stack, shopper);
  const id = newWebhookId();
  const deliveries = await Promise.all([1, 2, 3, 4, 5].map(() => sendWebhook(stack, completed(orderId), { id })));
  expect(deliveries.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
  const order = await waitForStatus(stack, shopper, orderId, ["shipped"]);
  expect(order.events.map((e) => e.status)).toEqual(PAID_PATH);
});

test.describe("out-of-order events never move an order backwards", () => {
  test("payment.failed after payment.completed → 200, and the order stays on its paid path to shipped", async ({ stack, shopper }) => {
    const orderId = await placeOrder(stack, shopper);
    expect((await sendWebhook(stack, completed(orderId))).status).toBe(200);
    expect((await sendWebhook(stack, failed(orderId))).status).toBe(200);

    const order = await waitForStatus(stack, shopper, orderId, ["shipped", "payment_failed"]);
    expect(order.status).toBe("shipped");
    expect(order.events.map((e) => e.status)).toEqual(PAID_PATH);
  });

  test("payment.completed for an order already payment_failed → 200, and it stays payment_failed", async ({ stack, shopper }) => {
    const orderId = await placeOrder(stack, shopper);
    expect((await sendWebhook(stack, failed(orderId))).status).toBe(200);
    const failedOrder = await waitForStatus(stack, shopper, orderId, ["payment_failed"]);
    expect(failedOrder.events.map((e) => e.status)).toEqual(["pending", "payment_processing", "payment_failed"]);

    expect((await sendWebhook(stack, completed(orderId))).status).toBe(200);
    await expectUnchanged(stack, shopper, orderId, failedOrder);
  });

  test("payment.flagged with a risk score → 200, the order is rejected and its reserved stock released", async ({ stack, shopper }) => {
    const stockBefore = await productStock(stack, "GADGET-7");
    const orderId = await placeOrder(stack, shopper, { items: [{ sku: "GADGET-7", quantity: 3 }], payment_method: "pm_visa_4242" });
    // Inventory runs while payment waits: the reservation happens before any verdict.
    await expect.poll(() => productStock(stack, "GADGET-7")).toBe(stockBefore - 3);

    expect((await sendWebhook(stack, flagged(orderId, 37.5))).status).toBe(200);
    const order = await waitForStatus(stack, shopper, orderId, ["rejected"]);
    expect(order.events.map((e) => e.status)).toEqual(["pending", "payment_processing", "rejected"]);
    expect(await productStock(stack, "GADGET-7")).toBe(stockBefore);

    // A late payment.completed cannot revive it, nor take the stock a second time.
    expect((await sendWebhook(stack, completed(orderId, 37.5))).status).toBe(200);
    await expectUnchanged(stack, shopper, orderId, order);
    expect(await productStock(stack, "GADGET-7")).toBe(stockBefore);
  });
});

test("a payment.completed for another amount or currency does not pay the order: 200, payment_failed (amount_mismatch)", async ({ stack, shopper }) => {
  for (const body of [(id: string) => completed(id, 0.01), (id: string) => ({ ...completed(id), currency: "EUR" })]) {
    const orderId = await placeOrder(stack, shopper);
    const response = await sendWebhook(stack, body(orderId));
    expect(response.status).toBe(200);
    const order = await waitForStatus(stack, shopper, orderId, ["payment_failed"]);
    expect(order.failure_reason).toBe("amount_mismatch");
    expect(order.events.at(-1)).toMatchObject({ status: "payment_failed", reason: "amount_mismatch" });
    // The verdict is final: the right amount arriving afterwards changes nothing.
    expect((await sendWebhook(stack, completed(orderId))).status).toBe(200);
    await expectUnchanged(stack, shopper, orderId, order);
  }
});
