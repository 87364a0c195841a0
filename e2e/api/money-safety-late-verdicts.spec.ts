/**
 * Money safety when the provider's verdict comes after we gave up on the charge (decision 010):
 * our call timed out, or its retries ran out, yet the provider charged. Whatever it captured is
 * given back exactly once — checked against the simulated provider's own books. On a stack of
 * its own (it slows the provider down), beside money-safety.spec.ts.
 */
import { expect, test } from "../support/fixtures";
import { cancelOrder, getOrder, placeOrder, waitForStatus } from "../support/api";
import { chargesFor, openJobs, paymentRow, providerLedger, reversalsFor } from "../support/db";
import { chargeRetriesExhaustQuickly, healthyDownstream, ONE_GADGET, setProviderLatency, slowProviderStackEnv, SLOWER_THAN_TIMEOUT } from "../support/money";
import { sendWebhook } from "../support/webhooks";

test.use({ stackEnv: slowProviderStackEnv() });

test.afterEach(async ({ stack }) => {
  await healthyDownstream(stack);
});

test("a charge slower than the provider timeout, then a cancel: the provider's charge is reversed (by its idempotency key)", async ({ stack, shopper }) => {
  await setProviderLatency(stack, SLOWER_THAN_TIMEOUT);
  const orderId = await placeOrder(stack, shopper, ONE_GADGET);
  // The provider accepted the charge, but our call timed out: its charge id never reached us.
  await expect.poll(async () => (await chargesFor(stack, orderId)).length, { timeout: 15_000 }).toBe(1);
  expect((await paymentRow(stack, orderId))?.providerChargeId ?? null).toBeNull();

  const cancelled = await cancelOrder(stack, shopper, orderId);
  expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
  await setProviderLatency(stack, 2);

  await expect.poll(async () => (await paymentRow(stack, orderId))?.reversedAt ?? null, { timeout: 30_000 }).not.toBeNull();
  await expect.poll(() => openJobs(stack, "reversePayment", orderId), { timeout: 30_000 }).toBe(0);
  expect(await reversalsFor(stack, orderId)).toHaveLength(1);
  expect(await providerLedger(stack, orderId)).toMatchObject({ charges: 1, heldCents: 0 });
  expect((await getOrder(stack, shopper, orderId)).body.status).toBe("cancelled");
});

test("a payment.completed after the order failed on our side (retries exhausted): refunded exactly once", async ({ stack, shopper }) => {
  await chargeRetriesExhaustQuickly(stack);
  await setProviderLatency(stack, 4000);
  const orderId = await placeOrder(stack, shopper, ONE_GADGET);
  // The provider accepted the charge although every call of ours timed out; then its API
  // goes down (our reversal cannot reach it) while its checks finish and it reports the
  // payment completed — after we gave up on the order.
  await expect.poll(async () => (await chargesFor(stack, orderId)).length, { timeout: 15_000 }).toBe(1);
  await stack.setDownstream("payment", { baseLatencyMs: 2, outage: true });
  const failed = await waitForStatus(stack, shopper, orderId, ["payment_failed"], 30_000);
  expect(failed.failure_reason).toBe("payment_unavailable");
  await expect.poll(async () => (await chargesFor(stack, orderId))[0]?.webhookDeliveredAt ?? null, { timeout: 30_000 }).not.toBeNull();
  expect((await chargesFor(stack, orderId))[0]?.outcome).toBe("completed");
  expect((await getOrder(stack, shopper, orderId)).body.status).toBe("payment_failed");

  await stack.setDownstream("payment", { outage: false });
  await expect.poll(async () => (await reversalsFor(stack, orderId)).map((r) => r.kind), { timeout: 30_000 }).toEqual(["refund"]);

  // The same completion again (redelivery, and under a new id): still one refund.
  const [charge] = await chargesFor(stack, orderId);
  const completion = { event: "payment.completed", order_id: orderId, amount: 12.5, currency: "USD" };
  expect((await sendWebhook(stack, completion, { id: charge!.webhookId! })).body).toMatchObject({ duplicate: true });
  expect((await sendWebhook(stack, completion)).status).toBe(200);
  await expect.poll(() => openJobs(stack, "reversePayment", orderId), { timeout: 30_000 }).toBe(0);
  expect(await reversalsFor(stack, orderId)).toHaveLength(1);
  expect(await providerLedger(stack, orderId)).toMatchObject({ charges: 1, capturedCents: 1250, heldCents: 0 });
  expect((await getOrder(stack, shopper, orderId)).body.status).toBe("payment_failed");
});
