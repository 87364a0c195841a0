import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { orders, payments } from "@/server/db/schema";
import { reserveStock } from "@/server/inventory/reserve-stock";
import { cancelOrder } from "@/server/orders/cancel-order";
import { lockOrder } from "@/server/orders/order-state-machine";
import { placeOrder } from "@/server/orders/place-order";
import { countRoundTrips } from "@/tests/support/round-trips";
import { useServiceDatabase } from "@/tests/support/service-database";
import { failPaymentAfterRetries } from "./fail-payment-after-retries";
import type { PaymentProvider, ProviderCharge } from "./payment-provider";
import { reconcilePayment } from "./reconcile-payment";
import { chargeIdempotencyKey, chargePayment } from "./charge-payment";
import { reversePayment } from "./reverse-payment";
import { settlePayment, type PaymentVerdict } from "./settle-payment";

const svc = useServiceDatabase();

/**
 * The payment provider is a third party, so here it is a small fake that keeps its own
 * books: charges by idempotency key, reversals by reversal key (once each, like the real one).
 */
function fakeProvider() {
  const charges = new Map<string, ProviderCharge & { amountCents: number }>();
  const reversals = new Map<string, { kind: "void" | "refund"; chargeKey: string }>();
  const provider: PaymentProvider = {
    async createCharge(request) {
      const existing = charges.get(request.idempotencyKey);
      if (existing) return { chargeId: existing.chargeId, status: "processing" };
      charges.set(request.idempotencyKey, { chargeId: `ch_${charges.size + 1}`, status: "processing", amountCents: request.amountCents });
      return { chargeId: `ch_${charges.size}`, status: "processing" };
    },
    async lookupCharge({ chargeKey }) {
      return charges.get(chargeKey) ?? null;
    },
    async reverseCharge({ idempotencyKey, chargeKey }) {
      const charge = charges.get(chargeKey);
      if (!charge) return { kind: "not_found" };
      const done = reversals.get(idempotencyKey);
      if (done) return { kind: done.kind, chargeId: charge.chargeId };
      const kind = charge.status === "completed" ? "refund" : "void";
      if (kind === "void") charge.status = "voided";
      reversals.set(idempotencyKey, { kind, chargeKey });
      return { kind, chargeId: charge.chargeId };
    },
  };
  /** The provider decides a charge (its webhook may or may not reach us). */
  const decide = (chargeKey: string, verdict: PaymentVerdict) => {
    const charge = charges.get(chargeKey)!;
    charge.status = verdict.event === "payment.completed" ? "completed" : verdict.event === "payment.failed" ? "failed" : "flagged";
    charge.verdict = verdict;
  };
  return { provider, charges, reversals, decide };
}

async function newOrder(): Promise<string> {
  const { db, queue, newShopperId } = svc();
  const shopperId = await newShopperId();
  const placed = await placeOrder(db, queue, { shopperId, body: { items: [{ sku: "GADGET-7", quantity: 2 }], payment_method: "pm_visa_4242" } });
  return placed.orderId;
}

/** What the webhook route does with a verified delivery. */
async function deliver(orderId: string, verdict: PaymentVerdict) {
  const { db, queue } = svc();
  return db.transaction(async (tx) => settlePayment(tx, queue, (await lockOrder(tx, orderId))!, verdict));
}

async function jobs(queueName: string, orderId: string): Promise<{ state: string; startAfter: Date; data: Record<string, unknown> }[]> {
  const { rows } = await svc().boss.getDb().executeSql(
    "SELECT state, start_after AS \"startAfter\", data FROM pgboss.job WHERE name = $1 AND data->>'orderId' = $2 ORDER BY created_on",
    [queueName, orderId],
  );
  return rows as never;
}

async function order(orderId: string) {
  const [row] = await svc().db.select().from(orders).where(eq(orders.id, orderId));
  return row!;
}

const PAID: PaymentVerdict = { event: "payment.completed", amount: 25, currency: "USD" };

describe("payment outcomes", () => {
  it("the join: fulfilment is queued once, by whichever branch finishes last", async () => {
    const { db, queue } = svc();
    const payFirst = await newOrder();
    await deliver(payFirst, PAID);
    expect(await jobs("createInvoice", payFirst)).toHaveLength(0);
    await reserveStock(db, queue, payFirst);
    expect(await jobs("createInvoice", payFirst)).toHaveLength(1);

    const stockFirst = await newOrder();
    await reserveStock(db, queue, stockFirst);
    expect(await jobs("createInvoice", stockFirst)).toHaveLength(0);
    await deliver(stockFirst, PAID);
    expect(await deliver(stockFirst, PAID)).toBe("ignored");
    expect(await jobs("createInvoice", stockFirst)).toHaveLength(1);
    expect(await order(stockFirst)).toMatchObject({ status: "payment_confirmed", paymentState: "completed", stockState: "reserved" });
  });

  it("a completion for a stocked order moves it and queues the invoice in one statement after the lock (decision 061)", async () => {
    const { db, pool, queue } = svc();
    const orderId = await newOrder();
    await reserveStock(db, queue, orderId);
    await db.update(orders).set({ status: "payment_processing", paymentState: "processing" }).where(eq(orders.id, orderId));
    const sent = await countRoundTrips(pool, async () => expect(await deliver(orderId, PAID)).toBe("applied"));
    // BEGIN, the lock, the move with its event, the verdict's row and the invoice's job, COMMIT.
    expect(sent.map((s) => s.split(" ")[0]!.toLowerCase()), sent.join("\n")).toEqual(["begin", "select", "with", "commit"]);
    expect(await jobs("createInvoice", orderId)).toMatchObject([{ state: "created", data: { orderId } }]);
    expect(await order(orderId)).toMatchObject({ status: "payment_confirmed", paymentState: "completed", stockState: "reserved" });
    // Delivered again: nothing moves, nothing more is queued.
    expect(await deliver(orderId, PAID)).toBe("ignored");
    expect(await jobs("createInvoice", orderId)).toHaveLength(1);
  });

  it("a decline fails the order, releases its stock and queues one notice; nothing was taken, so nothing is given back", async () => {
    const { db, queue } = svc();
    const orderId = await newOrder();
    await reserveStock(db, queue, orderId);
    await deliver(orderId, { event: "payment.failed", reason: "card_declined" });
    expect(await order(orderId)).toMatchObject({ status: "payment_failed", paymentState: "failed", stockState: "released", failureReason: "card_declined" });
    expect(await deliver(orderId, { event: "payment.flagged", risk_score: 0.9 })).toBe("ignored");
    expect((await jobs("notifyShopper", orderId)).map((j) => j.data.template)).toEqual(["payment_failed"]);
    expect(await jobs("reversePayment", orderId)).toHaveLength(0);
  });

  for (const refusal of [
    { event: "payment.failed", reason: "card_declined" },
    { event: "payment.flagged", risk_score: 0.97, reason: "high_risk_score" },
  ] as const) {
    it(`a completion after ${refusal.event} (a retried charge) keeps the order's end, and its money is refunded exactly once`, async () => {
      const { db, queue } = svc();
      const fake = fakeProvider();
      const orderId = await newOrder();
      await reserveStock(db, queue, orderId);
      await chargePayment(db, queue, fake.provider, orderId);
      await deliver(orderId, refusal);
      const ended = await order(orderId);
      expect(ended.status).toBe(refusal.event === "payment.failed" ? "payment_failed" : "rejected");

      // The provider retried the charge and took the money after all; it says so twice.
      fake.decide(`charge_${orderId}`, PAID);
      expect(await deliver(orderId, PAID)).toBe("applied");
      expect(await deliver(orderId, PAID)).toBe("ignored");
      expect(await order(orderId)).toMatchObject({ status: ended.status, paymentState: "completed", stockState: "released", failureReason: ended.failureReason });
      expect((await db.select().from(payments).where(eq(payments.orderId, orderId)))[0]).toMatchObject({ status: "completed" });
      // No second notice, no fulfilment: only the reversal.
      expect((await jobs("notifyShopper", orderId)).map((j) => j.data.template)).toEqual([ended.status]);
      expect(await jobs("createInvoice", orderId)).toHaveLength(0);
      expect(await jobs("reversePayment", orderId)).toHaveLength(1);

      const reversals = await Promise.all([1, 2].map(() => reversePayment(db, fake.provider, orderId)));
      expect(reversals).toContain("reversed");
      expect([...fake.reversals.values()]).toEqual([{ kind: "refund", chargeKey: `charge_${orderId}` }]);
      expect(await reversePayment(db, fake.provider, orderId)).toBe("already_reversed");
    });
  }

  // The verdict rides on the transition's statement (decision 057): it must land on our payment
  // row in every branch, and also when the order does not move (it was cancelled first).
  for (const [name, verdict, row] of [
    ["paid", PAID, { status: "completed", riskScore: null, failureReason: null }],
    ["declined", { event: "payment.failed", reason: "card_declined" }, { status: "failed", riskScore: null, failureReason: "card_declined" }],
    ["flagged", { event: "payment.flagged", risk_score: 0.97 }, { status: "flagged", riskScore: 0.97, failureReason: "fraud_or_risk" }],
    ["held for review", { ...PAID, review: { risk_score: 0.92 } }, { status: "completed", riskScore: 0.92, failureReason: null }],
    ["paid, the wrong amount", { event: "payment.completed", amount: 0.01, currency: "USD" }, { status: "completed", riskScore: null, failureReason: "amount_mismatch" }],
  ] as const) {
    for (const cancelledFirst of [false, true]) {
      it(`the verdict (${name}) is on our payment row${cancelledFirst ? ", also for an order cancelled before it came" : ""}`, async () => {
        const { db, queue } = svc();
        const orderId = await newOrder();
        if (cancelledFirst) expect(await cancelOrder(db, queue, null, orderId)).toMatchObject({ status: "cancelled" });
        expect(await deliver(orderId, verdict as PaymentVerdict)).toBe("applied");
        const [payment] = await db.select().from(payments).where(eq(payments.orderId, orderId));
        expect(payment).toMatchObject({ ...row, riskScore: row.riskScore === null ? null : expect.closeTo(row.riskScore, 5), amountCents: 2500, currency: "USD", settledAt: expect.any(Date) });
        if (cancelledFirst) expect((await order(orderId)).status).toBe("cancelled");
      });
    }
  }

  // A verdict withdraws the look-up the charge request queued (decision 058): it would only
  // read the payment row the verdict just wrote and stop.
  for (const [name, verdict] of [
    ["paid", PAID],
    ["declined", { event: "payment.failed", reason: "card_declined" }],
    ["flagged", { event: "payment.flagged", risk_score: 0.97 }],
    ["held for review", { ...PAID, review: { risk_score: 0.92 } }],
  ] as const) {
    it(`the verdict (${name}) withdraws the look-up waiting for it, with the verdict's transaction`, async () => {
      const { db, queue } = svc();
      const fake = fakeProvider();
      const orderId = await newOrder();
      await chargePayment(db, queue, fake.provider, orderId);
      expect(await jobs("reconcilePayment", orderId)).toMatchObject([{ state: "created", data: { attempt: 0 } }]);
      // Rolled back with the verdict, the withdrawal is too.
      await expect(
        db.transaction(async (tx) => {
          await settlePayment(tx, queue, (await lockOrder(tx, orderId))!, verdict as PaymentVerdict);
          throw new Error("the webhook's transaction fails");
        }),
      ).rejects.toThrow("the webhook's transaction fails");
      expect(await jobs("reconcilePayment", orderId)).toHaveLength(1);

      expect(await deliver(orderId, verdict as PaymentVerdict)).toBe("applied");
      expect(await jobs("reconcilePayment", orderId)).toEqual([]);
      expect(await reconcilePayment(db, queue, fake.provider, { orderId, attempt: 0 })).toBe("settled");
    });
  }

  it("a verdict for an order cancelled first withdraws its look-up too; one running is left to finish", async () => {
    const { db, queue } = svc();
    const fake = fakeProvider();
    const [cancelled, looking] = [await newOrder(), await newOrder()];
    for (const orderId of [cancelled, looking]) await chargePayment(db, queue, fake.provider, orderId);
    await cancelOrder(db, queue, null, cancelled);
    expect(await deliver(cancelled, PAID)).toBe("applied");
    expect(await jobs("reconcilePayment", cancelled)).toEqual([]);

    // A later look-up waits (the first found nothing); another is running right now.
    expect(await reconcilePayment(db, queue, fake.provider, { orderId: looking, attempt: 0 })).toBe("unsettled");
    await svc().boss.getDb().executeSql("UPDATE pgboss.job SET state = 'active', started_on = now() WHERE name = 'reconcilePayment' AND data->>'orderId' = $1 AND data->>'attempt' = '0'", [looking]);
    expect(await deliver(looking, PAID)).toBe("applied");
    expect((await jobs("reconcilePayment", looking)).map((j) => [j.data.attempt, j.state])).toEqual([[0, "active"]]);
  });

  it("a completion for the wrong amount fails the order and queues the refund of the capture", async () => {
    const orderId = await newOrder();
    await deliver(orderId, { event: "payment.completed", amount: 0.01, currency: "USD" });
    expect(await order(orderId)).toMatchObject({ status: "payment_failed", paymentState: "completed", failureReason: "amount_mismatch" });
    expect(await jobs("reversePayment", orderId)).toHaveLength(1);
  });
});

describe("cancel and reversal", () => {
  it("a charge whose id never reached us is reversed by its idempotency key, exactly once across every trigger", async () => {
    const { db, queue } = svc();
    const fake = fakeProvider();
    const orderId = await newOrder();
    // The provider accepts the charge but the answer is lost (timeout).
    const timingOut: PaymentProvider = {
      ...fake.provider,
      createCharge: async (request) => {
        await fake.provider.createCharge(request);
        throw new Error("payment: unreachable (timeout)");
      },
    };
    await expect(chargePayment(db, queue, timingOut, orderId)).rejects.toThrow("timeout");
    expect((await db.select().from(payments).where(eq(payments.orderId, orderId)))[0]).toMatchObject({ status: "requested", providerChargeId: null });

    await cancelOrder(db, queue, null, orderId);
    expect(await jobs("reversePayment", orderId)).toHaveLength(1);
    expect(await reversePayment(db, fake.provider, orderId)).toBe("reversed");
    // The provider completes the charge after all and tells us: the same reversal stands.
    await deliver(orderId, PAID);
    expect(await jobs("reversePayment", orderId)).toHaveLength(2);
    expect(await reversePayment(db, fake.provider, orderId)).toBe("already_reversed");
    expect([...fake.reversals.values()]).toEqual([{ kind: "void", chargeKey: `charge_${orderId}` }]);
    expect(await order(orderId)).toMatchObject({ status: "cancelled" });
  });

  it("a completion after the order failed on our side (retries exhausted) is refunded once", async () => {
    const { db, queue } = svc();
    const fake = fakeProvider();
    const orderId = await newOrder();
    await chargePayment(db, queue, fake.provider, orderId);
    await failPaymentAfterRetries(db, queue, orderId, new Error("payment: unreachable"));
    // Our verdict, not the provider's: payment_state still says a charge may exist.
    expect(await order(orderId)).toMatchObject({ status: "payment_failed", paymentState: "processing", failureReason: "payment_unavailable" });

    fake.decide(`charge_${orderId}`, PAID);
    await deliver(orderId, PAID);
    await deliver(orderId, PAID);
    const reversals = await Promise.all([1, 2, 3].map(() => reversePayment(db, fake.provider, orderId)));
    expect(reversals).toContain("reversed");
    expect([...fake.reversals.values()]).toEqual([{ kind: "refund", chargeKey: `charge_${orderId}` }]);
    expect((await db.select().from(payments).where(eq(payments.orderId, orderId)))[0]).toMatchObject({ reversal: "refund", reversedAt: expect.any(Date) });
  });

  it("a shipped order's money is never reversed", async () => {
    const { db, queue } = svc();
    const fake = fakeProvider();
    const orderId = await newOrder();
    await chargePayment(db, queue, fake.provider, orderId);
    await db.update(orders).set({ status: "shipped", paymentState: "completed" }).where(eq(orders.id, orderId));
    expect(await reversePayment(db, fake.provider, orderId)).toBe("nothing_to_reverse");
    expect(fake.reversals.size).toBe(0);
  });
});

describe("reconciliation", () => {
  it("is queued with the charge request, looks again later while undecided, and settles a verdict like the webhook", async () => {
    const { db, queue } = svc();
    const fake = fakeProvider();
    const orderId = await newOrder();
    const beforeCharge = Date.now();
    await chargePayment(db, queue, fake.provider, orderId);
    const [first] = await jobs("reconcilePayment", orderId);
    expect(first).toMatchObject({ state: "created", data: { orderId, attempt: 0 } });
    // Due 300 s (the test services' reconcileAfterSeconds) after the charge request's
    // transaction began; the millisecond allowed is the truncation of Postgres's microseconds.
    expect(first!.startAfter.getTime()).toBeGreaterThanOrEqual(beforeCharge + 300_000 - 1);
    expect(first!.startAfter.getTime()).toBeLessThanOrEqual(Date.now() + 300_000);

    expect(await reconcilePayment(db, queue, fake.provider, { orderId, attempt: 0 })).toBe("unsettled");
    expect((await jobs("reconcilePayment", orderId)).map((j) => j.data.attempt)).toEqual([0, 1]);

    await reserveStock(db, queue, orderId);
    fake.decide(`charge_${orderId}`, { event: "payment.completed", amount: 25, currency: "USD" });
    expect(await reconcilePayment(db, queue, fake.provider, { orderId, attempt: 1 })).toBe("settled");
    expect(await order(orderId)).toMatchObject({ status: "payment_confirmed", paymentState: "completed" });
    expect(await jobs("createInvoice", orderId)).toHaveLength(1);
    // The webhook arriving afterwards changes nothing.
    expect(await deliver(orderId, PAID)).toBe("ignored");
    expect(await reconcilePayment(db, queue, fake.provider, { orderId, attempt: 2 })).toBe("settled");
  });

  it("records a void whose answer never reached us, and stops looking", async () => {
    const { db, queue } = svc();
    const fake = fakeProvider();
    const orderId = await newOrder();
    await chargePayment(db, queue, fake.provider, orderId);
    await cancelOrder(db, queue, null, orderId);
    await fake.provider.reverseCharge({ idempotencyKey: `reverse_${orderId}`, chargeKey: `charge_${orderId}` });
    expect(await reconcilePayment(db, queue, fake.provider, { orderId, attempt: 0 })).toBe("settled");
    expect((await db.select().from(payments).where(eq(payments.orderId, orderId)))[0]).toMatchObject({ reversal: "void", reversedAt: expect.any(Date) });
    expect((await jobs("reconcilePayment", orderId)).map((j) => j.data.attempt)).toEqual([0]);
    expect(await reversePayment(db, fake.provider, orderId)).toBe("already_reversed");
  });
});

describe("the charge request (one statement before the provider is asked, decision 054)", () => {
  async function paymentRows(orderId: string) {
    return svc().db.select().from(payments).where(eq(payments.orderId, orderId));
  }

  it("run twice, and twice at once (at-least-once delivery), records one request: one payment row, one lookup, one charge at the provider", async () => {
    const { db, queue } = svc();
    const fake = fakeProvider();
    const [one, other] = [await newOrder(), await newOrder()];
    expect(await chargePayment(db, queue, fake.provider, one)).toBe("requested");
    expect(await chargePayment(db, queue, fake.provider, one)).toBe("requested");
    expect(await Promise.all([chargePayment(db, queue, fake.provider, other), chargePayment(db, queue, fake.provider, other)])).toEqual(["requested", "requested"]);
    for (const orderId of [one, other]) {
      expect(await order(orderId)).toMatchObject({ status: "payment_processing", paymentState: "processing" });
      expect(await paymentRows(orderId)).toHaveLength(1);
      expect(await jobs("reconcilePayment", orderId)).toHaveLength(1);
      expect(fake.charges.has(chargeIdempotencyKey(orderId))).toBe(true);
    }
    expect(fake.charges.size).toBe(2);
  });

  it("an order cancelled before its charge is not charged: nothing is recorded and the provider is not asked", async () => {
    const { db, queue } = svc();
    const fake = fakeProvider();
    const orderId = await newOrder();
    await cancelOrder(db, queue, null, orderId);
    expect(await chargePayment(db, queue, fake.provider, orderId)).toBe("skipped");
    expect(await order(orderId)).toMatchObject({ status: "cancelled", paymentState: "none" });
    expect(await paymentRows(orderId)).toHaveLength(0);
    expect(await jobs("reconcilePayment", orderId)).toHaveLength(0);
    expect(fake.charges.size).toBe(0);
  });
});
