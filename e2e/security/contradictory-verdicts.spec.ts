/**
 * A provider that retries a charge can report it failed (or flagged) and then completed.
 * The first verdict ends the order, and an order that will not ship keeps nothing: whatever
 * the provider captured afterwards is given back, exactly once (decision 010). Checked
 * against the simulated provider's own books: captured − returned = what the order keeps.
 */
import { expect, test } from "../support/fixtures";
import { getOrder, placeOrder } from "../support/api";
import { chargesFor, openJobs, providerLedger, reversalsFor } from "../support/db";
import { ONE_GADGET, setProviderLatency } from "../support/money";
import { type Shopper, type Stack } from "../support/stack";
import { sendWebhook } from "../support/webhooks";

// Each test keeps to its own shopper and orders: they run on any worker, in any order.
test.describe.configure({ mode: "parallel" });

const COMPLETED = (orderId: string) => ({ event: "payment.completed", order_id: orderId, amount: 12.5, currency: "USD", completed_at: new Date().toISOString() });
const FAILED = (orderId: string) => ({ event: "payment.failed", order_id: orderId, amount: 12.5, currency: "USD", reason: "card_declined" });
const FLAGGED = (orderId: string) => ({ event: "payment.flagged", order_id: orderId, amount: 12.5, currency: "USD", reason: "high_risk_score", risk_score: 0.97 });

/** An order whose charge the provider has accepted and is still deciding. */
async function orderWithChargeInFlight(stack: Stack, shopper: Shopper): Promise<string> {
  await setProviderLatency(stack, 2500);
  const orderId = await placeOrder(stack, shopper, ONE_GADGET);
  await expect.poll(async () => (await chargesFor(stack, orderId)).length, { timeout: 15_000 }).toBe(1);
  return orderId;
}

/** Waits until the provider has decided (or voided) the charge and no reversal is pending, then reads its books. */
async function settledLedger(stack: Stack, orderId: string) {
  await expect.poll(async () => (await chargesFor(stack, orderId))[0]?.outcome ?? "undecided", { timeout: 30_000 }).not.toBe("undecided");
  await expect.poll(() => openJobs(stack, "reversePayment", orderId), { timeout: 30_000 }).toBe(0);
  return providerLedger(stack, orderId);
}

test.afterEach(async ({ stack }) => {
  await setProviderLatency(stack, 2);
});

for (const [refusal, endsAs] of [
  [FAILED, "payment_failed"],
  [FLAGGED, "rejected"],
] as const) {
  test(`${refusal("").event} then payment.completed while the provider is slow: the order stays ${endsAs} and keeps nothing`, async ({ stack, shopper }) => {
    const orderId = await orderWithChargeInFlight(stack, shopper);

    expect((await sendWebhook(stack, refusal(orderId))).status).toBe(200);
    expect((await getOrder(stack, shopper, orderId)).body.status).toBe(endsAs);
    expect((await sendWebhook(stack, COMPLETED(orderId))).status).toBe(200);
    // The same completion again, under a new id (a second delivery of the provider's retry).
    expect((await sendWebhook(stack, COMPLETED(orderId))).status).toBe(200);

    const ledger = await settledLedger(stack, orderId);
    expect(ledger).toMatchObject({ charges: 1, reversals: 1, heldCents: 0 });
    expect((await getOrder(stack, shopper, orderId)).body.status).toBe(endsAs);
  });
}

test("payment.failed, then the provider captures the charge and reports it itself: refunded exactly once", async ({ stack, shopper }) => {
  const orderId = await orderWithChargeInFlight(stack, shopper);
  expect((await sendWebhook(stack, FAILED(orderId))).status).toBe(200);
  expect((await getOrder(stack, shopper, orderId)).body.status).toBe("payment_failed");

  // The provider finishes its own checks, captures, and sends its payment.completed.
  await expect.poll(async () => (await chargesFor(stack, orderId))[0]?.webhookDeliveredAt ?? null, { timeout: 30_000 }).not.toBeNull();
  expect((await chargesFor(stack, orderId))[0]?.outcome).toBe("completed");
  await expect.poll(async () => (await reversalsFor(stack, orderId)).map((r) => r.kind), { timeout: 30_000 }).toEqual(["refund"]);

  // Delivered twice more (as its redelivery and as a new event): still one refund.
  const [charge] = await chargesFor(stack, orderId);
  expect((await sendWebhook(stack, COMPLETED(orderId), { id: charge!.webhookId! })).body).toMatchObject({ duplicate: true });
  expect((await sendWebhook(stack, COMPLETED(orderId))).status).toBe(200);
  expect(await settledLedger(stack, orderId)).toMatchObject({ charges: 1, reversals: 1, capturedCents: 1250, returnedCents: 1250, heldCents: 0 });
  expect((await getOrder(stack, shopper, orderId)).body.status).toBe("payment_failed");
});
