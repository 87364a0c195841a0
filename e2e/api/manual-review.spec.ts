/**
 * Manual review on the real stack (docs/decisions/029-manual-review.md): switched on by the
 * admin procedure, a risky card waits `in_review` with its payment captured and held; approve
 * ships it with that one charge, reject returns it — checked against the simulated provider's
 * own books, as e2e/api/money-safety.spec.ts does.
 */
import { expect, test } from "../support/fixtures";
import { getOrder, placeOrder, waitForStatus } from "../support/api";
import { adminCall, trpcMutation } from "../support/admin-trpc";
import { chargesFor, mailFor, providerLedger, reversalsFor, stockOf } from "../support/db";
import { openEventStream } from "../support/sse";
import { type Shopper, type Stack } from "../support/stack";

// Each test keeps to its own shopper and orders: they run on any worker, in any order.
test.describe.configure({ mode: "parallel" });

let admin: Shopper;

const RISKY_GADGETS = { items: [{ sku: "GADGET-7", quantity: 2 }], payment_method: "pm_card_risky" };

async function setManualReview(stack: Stack, enabled: boolean): Promise<void> {
  expect(await adminCall(stack, "mutation", "admin.setManualReview", { enabled }, admin.headers)).toMatchObject({ enabled });
}

async function openReviews(stack: Stack): Promise<{ order_id: string; risk_score: number; total_cents: number; held_since: string }[]> {
  return adminCall(stack, "query", "admin.reviews", undefined, admin.headers);
}

test.beforeAll(async ({ stack }) => {
  admin = await stack.newShopper({ admin: true });
});

test.describe("manual review on", () => {
  test.beforeAll(({ stack }) => setManualReview(stack, true));
  test.afterAll(({ stack }) => setManualReview(stack, false));

  test("a risky card waits in_review (GET and SSE), then Approve ships it with exactly one charge at the provider", async ({ stack, shopper }) => {
    const orderId = await placeOrder(stack, shopper, RISKY_GADGETS);
    const sse = await openEventStream(`${stack.baseURL}/api/orders/${orderId}/events`, shopper.headers);
    try {
      const held = await waitForStatus(stack, shopper, orderId, ["in_review"]);
      expect(held.events.at(-1)).toMatchObject({ status: "in_review", reason: "high_risk_score", risk_score: expect.any(Number) });
      await sse.waitFor((c) => c.data.some((d) => d.status === "in_review"), 10_000, "in_review on the stream");
      expect(sse.endedBy).toBeUndefined();

      // The provider captured the payment and holds it: one charge, nothing returned.
      expect(await providerLedger(stack, orderId)).toMatchObject({ charges: 1, capturedCents: 2500, heldCents: 2500 });
      expect((await openReviews(stack)).find((r) => r.order_id === orderId)).toMatchObject({ total_cents: 2500, risk_score: expect.closeTo(0.92, 5) });

      // A double click: both answer the decision, it happens once.
      const [first, second] = await Promise.all([
        adminCall(stack, "mutation", "admin.decideReview", { orderId, decision: "approved" }, admin.headers),
        adminCall(stack, "mutation", "admin.decideReview", { orderId, decision: "approved" }, admin.headers),
      ]);
      expect([first.decision, second.decision]).toEqual(["approved", "approved"]);
      const rejectLater = await trpcMutation(stack, "admin.decideReview", { orderId, decision: "rejected" }, admin.headers);
      expect(rejectLater.status).toBe(409);

      const shipped = await waitForStatus(stack, shopper, orderId, ["shipped"]);
      await sse.waitForEnd(30_000);
      expect(sse.data.at(-1)).toMatchObject({ status: "shipped", tracking: shipped.tracking });
      expect(shipped.events.map((e) => e.status)).toEqual(["pending", "payment_processing", "in_review", "payment_confirmed", "confirmed", "shipped"]);
      expect(await chargesFor(stack, orderId)).toEqual([expect.objectContaining({ outcome: "completed", riskAction: "review", requestCount: 1 })]);
      expect(await providerLedger(stack, orderId)).toMatchObject({ charges: 1, reversals: 0, capturedCents: 2500, heldCents: 2500 });
      expect((await openReviews(stack)).map((r) => r.order_id)).not.toContain(orderId);

      // The admin timeline names who decided; the public event log does not.
      const timeline = await adminCall(stack, "query", "admin.order", { orderId }, admin.headers);
      expect(timeline.entries).toContainEqual(expect.objectContaining({ kind: "review", outcome: "approved", label: expect.stringContaining(admin.email) }));
      expect(JSON.stringify((await getOrder(stack, shopper, orderId)).body)).not.toContain(admin.email);
    } finally {
      sse.close();
    }
  });

  test("Reject: rejected, stock back, the shopper told, and the provider's books net zero (one capture, one refund)", async ({ stack, shopper }) => {
    const before = await stockOf(stack, "GADGET-7");
    const orderId = await placeOrder(stack, shopper, RISKY_GADGETS);
    await waitForStatus(stack, shopper, orderId, ["in_review"]);
    await expect.poll(() => stockOf(stack, "GADGET-7")).toBe(before - 2);

    expect(await adminCall(stack, "mutation", "admin.decideReview", { orderId, decision: "rejected" }, admin.headers)).toMatchObject({ decision: "rejected", status: "rejected" });
    const rejected = await waitForStatus(stack, shopper, orderId, ["rejected"]);
    expect(rejected.failure_reason).toBe("review_rejected");
    expect(await stockOf(stack, "GADGET-7")).toBe(before);
    await expect.poll(async () => (await reversalsFor(stack, orderId)).map((r) => r.kind), { timeout: 30_000 }).toEqual(["refund"]);
    expect(await providerLedger(stack, orderId)).toMatchObject({ charges: 1, reversals: 1, capturedCents: 2500, heldCents: 0 });
    await expect.poll(async () => (await mailFor(stack, orderId)).map((m) => m.template)).toEqual(["rejected"]);
    expect((await mailFor(stack, orderId))[0]?.body).toContain("refunded");
    expect((await trpcMutation(stack, "admin.decideReview", { orderId, decision: "approved" }, admin.headers)).status).toBe(409);
  });

  test("fraud is still rejected at once: nothing captured, no review", async ({ stack, shopper }) => {
    const orderId = await placeOrder(stack, shopper, { ...RISKY_GADGETS, payment_method: "pm_card_fraud" });
    const rejected = await waitForStatus(stack, shopper, orderId, ["rejected"]);
    expect(rejected.events.map((e) => e.status)).not.toContain("in_review");
    expect(await providerLedger(stack, orderId)).toMatchObject({ charges: 1, capturedCents: 0, heldCents: 0 });
    expect((await openReviews(stack)).map((r) => r.order_id)).not.toContain(orderId);
  });
});

test("manual review off (the default): a risky card is rejected as before, nothing captured", async ({ stack }) => {
  expect(await adminCall(stack, "query", "admin.manualReview", undefined, admin.headers)).toMatchObject({ enabled: false });
  const shopper = await stack.newShopper();
  const orderId = await placeOrder(stack, shopper, RISKY_GADGETS);
  const rejected = await waitForStatus(stack, shopper, orderId, ["rejected"]);
  expect(rejected.events.map((e) => e.status)).toEqual(["pending", "payment_processing", "rejected"]);
  expect(await chargesFor(stack, orderId)).toEqual([expect.objectContaining({ outcome: "flagged", riskAction: "block" })]);
  expect(await providerLedger(stack, orderId)).toMatchObject({ capturedCents: 0, heldCents: 0 });
});

test("only admins may switch or decide: a shopper's key gets 403", async ({ stack, shopper }) => {
  expect((await trpcMutation(stack, "admin.setManualReview", { enabled: true }, shopper.headers)).status).toBe(403);
  expect((await trpcMutation(stack, "admin.decideReview", { orderId: "ord_doesnotexist", decision: "approved" }, shopper.headers)).status).toBe(403);
});
