/**
 * Money and compensation on the real stack (decision 010): nothing kept that should be given
 * back, nothing taken or given back twice — checked against the simulated provider's and
 * carrier's own records, not ours. Verdicts that arrive after we gave up on a charge are in
 * money-safety-late-verdicts.spec.ts, on a stack of its own, so the two files run side by side.
 */
import { expect, test } from "../support/fixtures";
import { and, eq } from "drizzle-orm";
import { orderEvents, simDocuments, webhookReceipts } from "@/server/db/schema";
import type { OrderView } from "@/server/orders/order-view";
import { cancelOrder, getOrder, PAID_PATH, placeOrder, waitForStatus } from "../support/api";
import { carrierBooking, chargesFor, mailFor, openJobs, orderRow, paymentRow, providerLedger, stockOf } from "../support/db";
import { chargeRetriesExhaustQuickly, healthyDownstream, ONE_GADGET, setProviderLatency, slowProviderStackEnv, SLOWER_THAN_TIMEOUT } from "../support/money";
import { type Shopper, type Stack } from "../support/stack";
import { sendWebhook } from "../support/webhooks";

test.use({ stackEnv: slowProviderStackEnv() });

/**
 * Every order this file drives to an end, with what the shop should keep of its money;
 * recorded as soon as it is placed, so the ledger test also covers orders whose own test failed.
 */
const finished: { orderId: string; keeps: "total" | "nothing"; why: string }[] = [];

async function restock(stack: Stack, admin: Shopper, sku: string, quantity: number): Promise<void> {
  const response = await fetch(`${stack.baseURL}/api/trpc/admin.restock`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...admin.headers },
    body: JSON.stringify({ sku, quantity }),
  });
  expect(response.status, await response.text()).toBe(200);
}

/** Restock passes for `sku` still to run. */
async function openResumePasses(stack: Stack, sku: string): Promise<number> {
  const result = await stack.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'resumeBackorders' AND data->>'sku' = $1 AND state IN ('created', 'retry', 'active')",
    [sku],
  );
  return result.rows[0]?.n ?? 0;
}

test.afterEach(async ({ stack }) => {
  await healthyDownstream(stack);
});

test("reconciliation settles a charge whose webhook never arrives: the order ships", async ({ stack, shopper }) => {
  await stack.setDownstream("payment", { dropWebhooks: true });
  const orderId = await placeOrder(stack, shopper, ONE_GADGET);
  finished.push({ orderId, keeps: "total", why: "settled by reconciliation" });
  const shipped = await waitForStatus(stack, shopper, orderId, ["shipped"], 30_000);
  expect(shipped.events.map((e) => e.status)).toEqual(PAID_PATH);
  // It was the lookup, not a webhook, that told us.
  const [charge] = await chargesFor(stack, orderId);
  expect(charge).toMatchObject({ outcome: "completed", webhookDeliveredAt: null });
  expect(await stack.db.select().from(webhookReceipts).where(eq(webhookReceipts.orderId, orderId))).toEqual([]);
  expect(await paymentRow(stack, orderId)).toMatchObject({ status: "completed", providerChargeId: charge!.id });
});

test("a shipment booked after the cancel is voided at the carrier", async ({ stack, shopper }) => {
  await stack.setDownstream("carrier", { baseLatencyMs: 1500 });
  const orderId = await placeOrder(stack, shopper, ONE_GADGET);
  finished.push({ orderId, keeps: "nothing", why: "cancelled while the carrier was booking" });
  await expect.poll(async () => (await orderRow(stack, orderId)).status, { timeout: 30_000, intervals: [25] }).toBe("confirmed");
  // The carrier is booking right now (1.5 s); the cancel lands in the middle of it.
  const cancelled = await cancelOrder(stack, shopper, orderId);
  expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);

  await expect.poll(async () => (await carrierBooking(stack, orderId))?.voidedAt ?? null, { timeout: 30_000 }).not.toBeNull();
  await expect.poll(() => openJobs(stack, "createShipment", orderId), { timeout: 30_000 }).toBe(0);
  const order = (await getOrder(stack, shopper, orderId)).body as OrderView;
  expect(order.status).toBe("cancelled");
  expect(order.tracking ?? null).toBeNull();
  await expect.poll(async () => (await paymentRow(stack, orderId))?.reversal ?? null, { timeout: 30_000 }).toBe("refund");
});

test("no confirmation email goes out for an order cancelled while it was being confirmed", async ({ stack, shopper }) => {
  await stack.setDownstream("email", { baseLatencyMs: 1500 });
  const orderId = await placeOrder(stack, shopper, ONE_GADGET);
  finished.push({ orderId, keeps: "nothing", why: "cancelled while the confirmation was being sent" });
  // The provider issued the invoice: the confirmation email (1.5 s) is about to go or going
  // out, in the same job (decision 037; the invoice row is written in the email's transaction).
  await expect
    .poll(async () => (await stack.db.select().from(simDocuments).where(eq(simDocuments.idempotencyKey, `invoice_${orderId}`))).length, { timeout: 30_000, intervals: [25] })
    .toBe(1);
  const cancelled = await cancelOrder(stack, shopper, orderId);
  expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
  await expect.poll(async () => (await mailFor(stack, orderId)).map((m) => m.template), { timeout: 30_000 }).toContain("cancelled");
  await expect.poll(() => openJobs(stack, "createInvoice", orderId), { timeout: 30_000 }).toBe(0);

  const [cancelledAt] = await stack.db
    .select({ at: orderEvents.createdAt })
    .from(orderEvents)
    .where(and(eq(orderEvents.orderId, orderId), eq(orderEvents.status, "cancelled")));
  const statuses = (await getOrder(stack, shopper, orderId)).body.events.map((e: { status: string }) => e.status);
  const confirmations = (await mailFor(stack, orderId)).filter((m) => m.template === "confirmation");
  // Either the cancel came first and nothing was sent, or the order really was confirmed
  // (email accepted, status confirmed) before it was cancelled.
  for (const mail of confirmations) expect(mail.createdAt.getTime()).toBeLessThan(cancelledAt!.at.getTime());
  if (confirmations.length > 0) expect(statuses.indexOf("confirmed")).toBeGreaterThan(-1);
  expect(statuses.at(-1)).toBe("cancelled");
});

test("after a restock, waiting back-orders get the stock before new orders do", async ({ stack, shopper }) => {
  const admin = await stack.newShopper({ admin: true });
  const sku = "LIMITED-1";
  // Use up the three units, then wait in line.
  const first = await placeOrder(stack, shopper, { items: [{ sku, quantity: 3 }], payment_method: "pm_visa_4242" });
  await waitForStatus(stack, shopper, first, ["shipped"]);
  finished.push({ orderId: first, keeps: "total", why: "shipped" });
  const waiting = await placeOrder(stack, shopper, { items: [{ sku, quantity: 2 }], payment_method: "pm_visa_4242" });
  await waitForStatus(stack, shopper, waiting, ["backordered"]);

  // One unit arrives: not enough for the waiting order, and not free for a newcomer either.
  await restock(stack, admin, sku, 1);
  await expect.poll(() => openResumePasses(stack, sku), { timeout: 30_000 }).toBe(0);
  const newcomer = await placeOrder(stack, shopper, { items: [{ sku, quantity: 1 }], payment_method: "pm_visa_4242" });
  await waitForStatus(stack, shopper, newcomer, ["backordered"]);
  expect(await stockOf(stack, sku)).toBe(1);

  // The next unit completes the waiting order first; the newcomer is served by the one after.
  await restock(stack, admin, sku, 1);
  await waitForStatus(stack, shopper, waiting, ["shipped"]);
  expect((await orderRow(stack, newcomer)).status).toBe("backordered");
  expect(await stockOf(stack, sku)).toBe(0);
  await restock(stack, admin, sku, 1);
  await waitForStatus(stack, shopper, newcomer, ["shipped"]);
  expect(await stockOf(stack, sku)).toBe(0);
  finished.push({ orderId: waiting, keeps: "total", why: "back-order resumed" }, { orderId: newcomer, keeps: "total", why: "back-order resumed" });
});

test("for every final status, what the provider captured minus what it gave back equals what the order keeps", async ({ stack }) => {
  test.setTimeout(120_000);
  const shopper = await stack.newShopper();
  // The two late completions, again here so this test stands on its own: a charge slower
  // than our timeout, cancelled; and one whose retries ran out before the provider decided.
  await chargeRetriesExhaustQuickly(stack);
  await setProviderLatency(stack, SLOWER_THAN_TIMEOUT);
  const slowCancelled = await placeOrder(stack, shopper, ONE_GADGET);
  const slowFailed = await placeOrder(stack, shopper, ONE_GADGET);
  // Cancelled while the charge call is on its way: the provider accepts it afterwards. The
  // payments row is committed just before the call, so from then on the call will be made;
  // a job that is merely active may still see the cancel first and rightly charge nothing.
  await expect.poll(async () => (await paymentRow(stack, slowCancelled)) !== undefined, { timeout: 15_000, intervals: [25] }).toBe(true);
  expect((await cancelOrder(stack, shopper, slowCancelled)).status).toBe(200);
  await waitForStatus(stack, shopper, slowFailed, ["payment_failed"], 30_000);
  await expect.poll(async () => (await chargesFor(stack, slowCancelled)).length, { timeout: 15_000 }).toBe(1);
  await setProviderLatency(stack, 2);
  finished.push(
    { orderId: slowCancelled, keeps: "nothing", why: "slow charge, then cancel" },
    { orderId: slowFailed, keeps: "nothing", why: "completed after retries were exhausted" },
  );

  const shipped = await placeOrder(stack, shopper, ONE_GADGET);
  const declined = await placeOrder(stack, shopper, { ...ONE_GADGET, payment_method: "pm_card_declined" });
  const fraud = await placeOrder(stack, shopper, { ...ONE_GADGET, payment_method: "pm_card_fraud" });
  const risky = await placeOrder(stack, shopper, { ...ONE_GADGET, payment_method: "pm_card_risky" });
  await waitForStatus(stack, shopper, shipped, ["shipped"]);
  await waitForStatus(stack, shopper, declined, ["payment_failed"]);
  await waitForStatus(stack, shopper, fraud, ["rejected"]);
  await waitForStatus(stack, shopper, risky, ["rejected"]);
  finished.push(
    { orderId: shipped, keeps: "total", why: "shipped" },
    { orderId: declined, keeps: "nothing", why: "declined" },
    { orderId: fraud, keeps: "nothing", why: "fraud" },
    { orderId: risky, keeps: "nothing", why: "risk" },
  );

  // Cancelled before the provider decided, and cancelled once paid.
  await setProviderLatency(stack, 500);
  const early = await placeOrder(stack, shopper, ONE_GADGET);
  await waitForStatus(stack, shopper, early, ["payment_processing"]);
  expect((await cancelOrder(stack, shopper, early)).status).toBe(200);
  await setProviderLatency(stack, 2);
  await stack.setDownstream("email", { baseLatencyMs: 1500 });
  const paid = await placeOrder(stack, shopper, ONE_GADGET);
  await expect.poll(async () => (await orderRow(stack, paid)).paymentState, { timeout: 30_000 }).toBe("completed");
  expect((await cancelOrder(stack, shopper, paid)).status).toBe(200);
  finished.push({ orderId: early, keeps: "nothing", why: "cancelled while processing" }, { orderId: paid, keeps: "nothing", why: "cancelled once paid" });

  // A completion for the wrong amount, ahead of the provider's own (slow) verdict.
  await setProviderLatency(stack, 1000);
  const mismatch = await placeOrder(stack, shopper, ONE_GADGET);
  await expect.poll(async () => (await chargesFor(stack, mismatch)).length, { timeout: 15_000 }).toBe(1);
  expect((await sendWebhook(stack, { event: "payment.completed", order_id: mismatch, amount: 0.01, currency: "USD" })).status).toBe(200);
  expect((await waitForStatus(stack, shopper, mismatch, ["payment_failed"])).failure_reason).toBe("amount_mismatch");
  await setProviderLatency(stack, 2);
  finished.push({ orderId: mismatch, keeps: "nothing", why: "amount_mismatch" });

  // Let every reversal and late verdict land, then compare with the provider's books.
  for (const { orderId } of finished) {
    await expect.poll(async () => (await chargesFor(stack, orderId))[0]?.outcome ?? "undecided", { timeout: 30_000 }).not.toBe("undecided");
    await expect.poll(() => openJobs(stack, "reversePayment", orderId), { timeout: 30_000 }).toBe(0);
  }
  const statuses = new Set<string>();
  for (const { orderId, keeps, why } of finished) {
    const order = await orderRow(stack, orderId);
    statuses.add(order.status);
    const ledger = await providerLedger(stack, orderId);
    expect(ledger.charges, `${why}: one charge`).toBe(1);
    expect(ledger.reversals, `${why}: at most one reversal`).toBeLessThanOrEqual(1);
    expect(ledger.heldCents, `${why} (${order.status})`).toBe(keeps === "total" ? order.totalCents : 0);
    expect(order.status === "shipped", `${why}: keeps its total only if shipped`).toBe(keeps === "total");
  }
  expect([...statuses].sort()).toEqual(["cancelled", "payment_failed", "rejected", "shipped"]);
});
