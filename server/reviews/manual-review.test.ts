import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { orders, payments, pipelineSettings, products, reviews } from "@/server/db/schema";
import { seedDatabase } from "@/server/db/seed";
import { reserveStock } from "@/server/inventory/reserve-stock";
import { cancelOrder } from "@/server/orders/cancel-order";
import { placeOrder } from "@/server/orders/place-order";
import { handlePaymentWebhook } from "@/server/payments/handle-payment-webhook";
import type { PaymentProvider } from "@/server/payments/payment-provider";
import { chargePayment } from "@/server/payments/charge-payment";
import { reversePayment } from "@/server/payments/reverse-payment";
import type { PaymentVerdict } from "@/server/payments/settle-payment";
import { REVIEW_EXPIRES_AFTER_SECONDS } from "@/server/pipeline/steps";
import { useServiceDatabase } from "@/tests/support/service-database";
import { screenCharge } from "@/simulators/payment-provider";
import { decideReview, type Reviewer } from "./decide-review";
import { expireReview } from "./expire-review";
import { listReviews } from "./list-reviews";
import { getManualReview, setManualReview } from "./manual-review-setting";

const svc = useServiceDatabase();

const ADMIN: Reviewer = { id: "usr_admin1", email: "admin1@example.test" };
const OTHER_ADMIN: Reviewer = { id: "usr_admin2", email: "admin2@example.test" };
const GADGETS = 2;
const TOTAL = 25;

/**
 * The provider as a third party with its own books: one capture per charge key, one reversal
 * per reversal key (a refund of a capture), as the simulator and real providers behave.
 */
function providerBooks() {
  const requests: { idempotencyKey: string; riskAction?: string }[] = [];
  const captured = new Map<string, number>();
  const refunds = new Map<string, string>();
  const provider: PaymentProvider = {
    async createCharge(request) {
      requests.push({ idempotencyKey: request.idempotencyKey, riskAction: request.riskAction });
      return { chargeId: `ch_${request.orderId}`, status: "processing" };
    },
    async lookupCharge() {
      return null;
    },
    async reverseCharge({ idempotencyKey, chargeKey }) {
      if (!captured.has(chargeKey)) return { kind: "not_found" };
      refunds.set(idempotencyKey, chargeKey);
      return { kind: "refund", chargeId: `ch_${chargeKey}` };
    },
  };
  /** What the shop keeps of this order's money by the provider's books: captured − refunded. */
  const kept = (orderId: string) => {
    const key = `charge_${orderId}`;
    const refunded = [...refunds.values()].filter((k) => k === key).length * (captured.get(key) ?? 0);
    return (captured.get(key) ?? 0) - refunded;
  };
  return { provider, requests, captured, refunds, kept };
}

async function newOrder(sku = "GADGET-7", quantity = GADGETS): Promise<string> {
  const { db, queue, newShopperId } = svc();
  const placed = await placeOrder(db, queue, { shopperId: await newShopperId(), body: { items: [{ sku, quantity }], payment_method: "pm_card_risky" } });
  return placed.orderId;
}

async function order(orderId: string) {
  const [row] = await svc().db.select().from(orders).where(eq(orders.id, orderId));
  return row!;
}

async function review(orderId: string) {
  const [row] = await svc().db.select().from(reviews).where(eq(reviews.orderId, orderId));
  return row;
}

async function stockOf(sku: string): Promise<number> {
  const [row] = await svc().db.select({ stock: products.stock }).from(products).where(eq(products.sku, sku));
  return row!.stock;
}

async function jobs(queueName: string, orderId: string): Promise<{ state: string; startAfter: Date; createdOn: Date; data: Record<string, unknown> }[]> {
  const { rows } = await svc().boss.getDb().executeSql(
    'SELECT state, start_after AS "startAfter", created_on AS "createdOn", data FROM pgboss.job WHERE name = $1 AND data->>\'orderId\' = $2 ORDER BY created_on',
    [queueName, orderId],
  );
  return rows as never;
}

let webhooks = 0;
/** A verified provider webhook, as the route hands it over (each call a new webhook id unless given). */
function webhook(orderId: string, verdict: PaymentVerdict, id = `evt_test${++webhooks}`) {
  const { db, queue } = svc();
  const payload = { ...verdict, order_id: orderId };
  return handlePaymentWebhook(db, queue, id, payload as never, Buffer.from(JSON.stringify(payload)));
}

const HELD: PaymentVerdict = { event: "payment.completed", amount: TOTAL, currency: "USD", review: { risk_score: 0.92, reason: "high_risk_score" } };

const heldWebhookId = (orderId: string) => `evt_held_${orderId.slice(4)}`;

/** A risky order placed with manual review on: stock reserved, charge requested and captured-and-held by the provider. */
async function heldOrder(books: ReturnType<typeof providerBooks>): Promise<string> {
  const { db, queue } = svc();
  const orderId = await newOrder();
  await reserveStock(db, queue, orderId);
  await chargePayment(db, queue, books.provider, orderId);
  books.captured.set(`charge_${orderId}`, TOTAL * 100);
  expect(await webhook(orderId, HELD, heldWebhookId(orderId))).toBe("processed");
  return orderId;
}

/** Runs every queued reversal of the order, as the worker would (each may run more than once). */
async function runReversals(books: ReturnType<typeof providerBooks>, orderId: string): Promise<void> {
  for (const _job of await jobs("reversePayment", orderId)) {
    await reversePayment(svc().db, books.provider, orderId);
    await reversePayment(svc().db, books.provider, orderId);
  }
}

describe("the switch", () => {
  it("is off in a new database, follows the admin, and MANUAL_REVIEW at start writes its value (unset keeps it)", async () => {
    const { db } = svc();
    expect((await getManualReview(db)).enabled).toBe(false);
    expect(await setManualReview(db, true, ADMIN.id)).toMatchObject({ enabled: true, updatedBy: ADMIN.id });
    await seedDatabase(db, { catalog: true });
    expect((await getManualReview(db)).enabled).toBe(true);
    await seedDatabase(db, { catalog: true, manualReview: false });
    expect(await getManualReview(db)).toMatchObject({ enabled: false, updatedBy: null });
    await db.delete(pipelineSettings);
    await seedDatabase(db, { catalog: true, manualReview: true });
    expect((await getManualReview(db)).enabled).toBe(true);
    await setManualReview(db, false, null);
  });

  it("decides what the charge request asks of the provider's risk scoring, from the next charge on", async () => {
    const { db, queue } = svc();
    const books = providerBooks();
    const off = await newOrder();
    await chargePayment(db, queue, books.provider, off);
    await setManualReview(db, true, ADMIN.id);
    try {
      const on = await newOrder();
      await chargePayment(db, queue, books.provider, on);
      expect(books.requests).toEqual([
        { idempotencyKey: `charge_${off}`, riskAction: "block" },
        { idempotencyKey: `charge_${on}`, riskAction: "review" },
      ]);
    } finally {
      await setManualReview(db, false, ADMIN.id);
    }
  });

  it("the simulated provider holds a risky charge only when asked to review; fraud is blocked either way", () => {
    expect(screenCharge("pm_card_risky")).toMatchObject({ outcome: "flagged", reason: "high_risk_score" });
    expect(screenCharge("pm_card_risky", "review")).toMatchObject({ outcome: "completed", reason: "high_risk_score", riskScore: 0.92 });
    expect(screenCharge("pm_card_fraud", "review")).toMatchObject({ outcome: "flagged", reason: "fraud_suspected" });
  });
});

describe("a payment held for review", () => {
  it("puts the order in_review with its stock kept, opens a review on the desk and schedules its expiry 72 h out; nothing is fulfilled", async () => {
    const books = providerBooks();
    const before = await stockOf("GADGET-7");
    const orderId = await heldOrder(books);
    expect(await order(orderId)).toMatchObject({ status: "in_review", paymentState: "held", stockState: "reserved" });
    expect(await stockOf("GADGET-7")).toBe(before - GADGETS);
    expect(await review(orderId)).toMatchObject({ riskScore: expect.closeTo(0.92, 5), reason: "high_risk_score", decision: null });
    expect((await listReviews(svc().db)).find((r) => r.order_id === orderId)).toMatchObject({ status: "in_review", total_cents: 2500, currency: "USD" });

    const [expiry] = await jobs("expireReview", orderId);
    expect(expiry!.startAfter.getTime() - expiry!.createdOn.getTime()).toBeCloseTo(REVIEW_EXPIRES_AFTER_SECONDS * 1000, -3);
    expect(await jobs("createInvoice", orderId)).toEqual([]);
    expect(await jobs("reversePayment", orderId)).toEqual([]);
    // The same verdict again (redelivery, or the reconciliation lookup): nothing changes.
    expect(await webhook(orderId, HELD)).toBe("processed");
    expect(await webhook(orderId, { event: "payment.flagged", risk_score: 0.92, reason: "high_risk_score" })).toBe("processed");
    expect(await order(orderId)).toMatchObject({ status: "in_review", paymentState: "held" });
    expect(await jobs("expireReview", orderId)).toHaveLength(1);
  });

  it("approve: the order goes on as paid to fulfilment, with the one capture it has; a double click or a second admin agreeing changes nothing", async () => {
    const { db, queue } = svc();
    const books = providerBooks();
    const orderId = await heldOrder(books);

    const decisions = await Promise.all([decideReview(db, queue, orderId, "approved", ADMIN), decideReview(db, queue, orderId, "approved", OTHER_ADMIN)]);
    expect(decisions.map((d) => d.decision)).toEqual(["approved", "approved"]);
    expect(await order(orderId)).toMatchObject({ status: "payment_confirmed", paymentState: "completed", stockState: "reserved" });
    expect(await jobs("createInvoice", orderId)).toHaveLength(1);
    expect(await jobs("reversePayment", orderId)).toEqual([]);
    const decided = await review(orderId);
    expect(decided).toMatchObject({ decision: "approved", decidedAt: expect.any(Date) });
    expect([ADMIN.id, OTHER_ADMIN.id]).toContain(decided!.decidedBy);

    // Rejecting now is a conflict; the expiry finds it decided; no second charge was ever asked for.
    await expect(decideReview(db, queue, orderId, "rejected", OTHER_ADMIN)).rejects.toMatchObject({ status: 409, code: "review_decided" });
    expect(await expireReview(db, queue, orderId, new Date(Date.now() + 100 * 3600_000))).toBe("decided");
    expect(books.requests).toHaveLength(1);
    expect(books.kept(orderId)).toBe(2500);
    expect((await listReviews(db)).map((r) => r.order_id)).not.toContain(orderId);
    // The public event log says approved, not who approved.
    const [event] = (await db.query.orderEvents.findMany({ where: (e, { and, eq: equals }) => and(equals(e.orderId, orderId), equals(e.status, "payment_confirmed")) })) ?? [];
    expect(event?.detail).toEqual({ review: "approved" });
  });

  it("reject: rejected, stock back, the shopper told, and the capture refunded exactly once — the provider's books net zero", async () => {
    const { db, queue } = svc();
    const books = providerBooks();
    const before = await stockOf("GADGET-7");
    const orderId = await heldOrder(books);

    const results = await Promise.allSettled([decideReview(db, queue, orderId, "rejected", ADMIN), decideReview(db, queue, orderId, "rejected", ADMIN)]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    expect(await order(orderId)).toMatchObject({ status: "rejected", failureReason: "review_rejected", stockState: "released" });
    expect(await stockOf("GADGET-7")).toBe(before);
    expect((await jobs("notifyShopper", orderId)).map((j) => j.data.template)).toEqual(["rejected"]);
    await runReversals(books, orderId);
    expect(books.refunds.size).toBe(1);
    expect(books.kept(orderId)).toBe(0);
    expect((await db.select().from(payments).where(eq(payments.orderId, orderId)))[0]).toMatchObject({ reversal: "refund", reversedAt: expect.any(Date) });
    await expect(decideReview(db, queue, orderId, "approved", OTHER_ADMIN)).rejects.toMatchObject({ status: 409 });
    expect(await order(orderId)).toMatchObject({ status: "rejected" });
  });

  it("expiry: left alone before 72 h, rejected (refunded) at 72 h by the database's clock or a given one; a decision after that is a conflict", async () => {
    const { db, queue } = svc();
    const books = providerBooks();
    const orderId = await heldOrder(books);
    // Postgres keeps microseconds, a Date milliseconds: the next millisecond is the first one past the hold.
    const heldAt = (await review(orderId))!.openedAt.getTime() + 1;

    expect(await expireReview(db, queue, orderId)).toBe("not_due");
    expect(await expireReview(db, queue, orderId, new Date(heldAt + REVIEW_EXPIRES_AFTER_SECONDS * 1000 - 1000))).toBe("not_due");
    expect(await order(orderId)).toMatchObject({ status: "in_review" });

    expect(await expireReview(db, queue, orderId, new Date(heldAt + REVIEW_EXPIRES_AFTER_SECONDS * 1000))).toBe("expired");
    expect(await order(orderId)).toMatchObject({ status: "rejected", failureReason: "review_expired", stockState: "released" });
    expect(await review(orderId)).toMatchObject({ decision: "expired", decidedBy: null });
    expect(await expireReview(db, queue, orderId, new Date(heldAt + 2 * REVIEW_EXPIRES_AFTER_SECONDS * 1000))).toBe("decided");
    await expect(decideReview(db, queue, orderId, "approved", ADMIN)).rejects.toMatchObject({ status: 409, code: "review_decided" });
    await runReversals(books, orderId);
    expect(books.kept(orderId)).toBe(0);
  });

  it("approve racing the expiry: exactly one wins, and the money follows the winner", async () => {
    const { db, queue } = svc();
    for (let round = 0; round < 5; round++) {
      const books = providerBooks();
      const orderId = await heldOrder(books);
      const late = new Date(Date.now() + REVIEW_EXPIRES_AFTER_SECONDS * 1000 + 60_000);
      const [approved, expired] = await Promise.allSettled([decideReview(db, queue, orderId, "approved", ADMIN), expireReview(db, queue, orderId, late)]);
      const decided = (await review(orderId))!.decision;
      await runReversals(books, orderId);
      if (decided === "approved") {
        expect(approved.status).toBe("fulfilled");
        expect(expired).toMatchObject({ status: "fulfilled", value: "decided" });
        expect(await order(orderId)).toMatchObject({ status: "payment_confirmed", paymentState: "completed" });
        expect(books.kept(orderId)).toBe(2500);
      } else {
        expect(decided).toBe("expired");
        expect(approved).toMatchObject({ status: "rejected", reason: expect.objectContaining({ status: 409 }) });
        expect(await order(orderId)).toMatchObject({ status: "rejected" });
        expect(books.kept(orderId)).toBe(0);
      }
    }
  });

  it("a late or duplicated provider webhook racing a decision never moves the order back, never charges twice, never keeps money of a rejected order", async () => {
    const { db, queue } = svc();
    const verdicts: PaymentVerdict[] = [HELD, { event: "payment.completed", amount: TOTAL, currency: "USD" }, { event: "payment.flagged", risk_score: 0.92, reason: "high_risk_score" }];
    for (const decision of ["approved", "rejected"] as const) {
      const books = providerBooks();
      const orderId = await heldOrder(books);
      await Promise.all([decideReview(db, queue, orderId, decision, ADMIN), ...verdicts.map((v) => webhook(orderId, v)), webhook(orderId, HELD, heldWebhookId(orderId))]);
      for (const v of verdicts) await webhook(orderId, v);
      await runReversals(books, orderId);
      const after = await order(orderId);
      if (decision === "approved") {
        expect(after).toMatchObject({ status: "payment_confirmed", paymentState: "completed" });
        expect(books.kept(orderId)).toBe(2500);
        expect(await jobs("reversePayment", orderId)).toEqual([]);
      } else {
        expect(after).toMatchObject({ status: "rejected", paymentState: "held" });
        expect(books.refunds.size).toBe(1);
        expect(books.kept(orderId)).toBe(0);
      }
      expect(books.requests).toHaveLength(1);
      const statuses = (await db.query.orderEvents.findMany({ where: (e, { eq: equals }) => equals(e.orderId, orderId), orderBy: (e, { asc }) => asc(e.seq) })).map((e) => e.status);
      expect(statuses).toEqual(["pending", "payment_processing", "in_review", decision === "approved" ? "payment_confirmed" : "rejected"]);
    }
  });

  it("a cancel while in review refunds the capture; the review leaves the desk and can no longer be decided", async () => {
    const { db, queue } = svc();
    const books = providerBooks();
    const orderId = await heldOrder(books);
    await cancelOrder(db, queue, null, orderId);
    await runReversals(books, orderId);
    expect(books.kept(orderId)).toBe(0);
    expect((await listReviews(db)).map((r) => r.order_id)).not.toContain(orderId);
    await expect(decideReview(db, queue, orderId, "approved", ADMIN)).rejects.toMatchObject({ status: 409, code: "review_closed" });
    expect(await expireReview(db, queue, orderId, new Date(Date.now() + 100 * 3600_000))).toBe("decided");
    expect(await order(orderId)).toMatchObject({ status: "cancelled" });
  });

  it("a back-ordered order held for review stays back-ordered and on the desk; approved, it waits for stock like any paid order", async () => {
    const { db, queue } = svc();
    const books = providerBooks();
    await db.update(products).set({ stock: 0 }).where(eq(products.sku, "LIMITED-1"));
    const orderId = await newOrder("LIMITED-1", 1);
    await reserveStock(db, queue, orderId);
    await chargePayment(db, queue, books.provider, orderId);
    books.captured.set(`charge_${orderId}`, 9900);
    await webhook(orderId, { ...HELD, amount: 99 });
    expect(await order(orderId)).toMatchObject({ status: "backordered", paymentState: "held", stockState: "backordered" });
    expect((await listReviews(db)).find((r) => r.order_id === orderId)).toMatchObject({ status: "backordered" });

    await decideReview(db, queue, orderId, "approved", ADMIN);
    expect(await order(orderId)).toMatchObject({ status: "backordered", paymentState: "completed" });
    expect(await jobs("createInvoice", orderId)).toEqual([]);
    expect(await review(orderId)).toMatchObject({ decision: "approved", decidedByEmail: ADMIN.email });
  });

  it("an unknown order, or one never held, has no review to decide", async () => {
    const { db, queue } = svc();
    await expect(decideReview(db, queue, "ord_doesnotexist", "approved", ADMIN)).rejects.toMatchObject({ status: 404 });
    await expect(decideReview(db, queue, "not-an-id", "approved", ADMIN)).rejects.toMatchObject({ status: 404 });
    const orderId = await newOrder();
    await expect(decideReview(db, queue, orderId, "approved", ADMIN)).rejects.toMatchObject({ status: 404 });
  });
});
