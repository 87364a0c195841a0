import { expect, startFromCleanShop, test } from "../support/fixtures";
import { and, asc, eq, inArray } from "drizzle-orm";
import type { OrderStatus } from "@/lib/order-state";
import { invoices, mailbox, orders, shipments } from "@/server/db/schema";
import { signedWebhookHeaders } from "@/server/payments/webhook-signature";
import type { EventView } from "@/server/orders/order-view";
import { cancelOrder, expectErrorBody, getOrder, placeOrder, postOrder, waitForStatus } from "../support/api";
import { chargesFor, mailFor, openJobs, orderRow, paymentRow, reversalsFor, statusHistogram, stockOf } from "../support/db";
import { type Shopper, type Stack } from "../support/stack";

// Starts from a clean shop: the race counts LIMITED-1's seeded stock of 3, and the restock
// resumes this file's back-orders in order, so no other file may touch LIMITED-1 first.
startFromCleanShop("cleanShop");

const WAREHOUSE = "warehouse@conveyor.test";

/** The order's statuses in the only direction it may travel (back-orders wait between payment and confirmation). */
const PIPELINE: OrderStatus[] = ["pending", "payment_processing", "payment_confirmed", "backordered", "confirmed", "shipped"];

/** In pipeline order with no repeats: the log equals the pipeline filtered down to the statuses it contains. */
function expectForwardOnly(events: EventView[]): void {
  const statuses = events.map((e) => e.status);
  expect(statuses).toEqual(PIPELINE.filter((status) => statuses.includes(status)));
}

/** tRPC v11 over fetch, no transformer: a mutation is a POST to /api/trpc/<path> whose body is the raw input. */
async function restock(stack: Stack, shopper: Shopper, input: { sku: string; quantity: number }): Promise<{ status: number; body: any }> {
  const response = await fetch(`${stack.baseURL}/api/trpc/admin.restock`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...shopper.headers },
    body: JSON.stringify(input),
  });
  return { status: response.status, body: await response.json() };
}

/** A webhook as the payment provider sends it (docs/api.md, "POST /webhooks/payments"), signed with the stack's secret. */
async function deliverPaymentWebhook(stack: Stack, webhookId: string, payload: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const body = JSON.stringify(payload);
  const response = await fetch(`${stack.baseURL}/webhooks/payments`, { method: "POST", headers: signedWebhookHeaders(stack.webhookSecret, webhookId, body), body });
  return { status: response.status, body: await response.json() };
}

const restoreDownstream = (stack: Stack) => stack.setDownstream("payment", { baseLatencyMs: 2, outage: false });

/** Runs `fn` with the payment provider behaving as `settings`, then restores its defaults. */
async function withPaymentProvider<T>(stack: Stack, settings: Parameters<Stack["setDownstream"]>[1], fn: () => Promise<T>): Promise<T> {
  await stack.setDownstream("payment", settings);
  try {
    return await fn();
  } finally {
    await restoreDownstream(stack);
  }
}

test.describe("each test payment method (docs/api.md, Test payment methods) ends where it should", () => {
  test("pm_visa_4242: shipped with tracking; one confirmation email, an invoice, a shipment and exactly one charge", async ({ stack, shopper }) => {
    const orderId = await placeOrder(stack, shopper);
    const order = await waitForStatus(stack, shopper, orderId, ["shipped"]);
    expect(order.tracking).toMatch(/^1Z\d+/);

    const mail = await mailFor(stack, orderId);
    expect(mail.filter((m) => m.template === "confirmation")).toEqual([expect.objectContaining({ recipient: shopper.email, orderId })]);
    const [invoice] = await stack.db.select().from(invoices).where(eq(invoices.orderId, orderId));
    expect(invoice).toMatchObject({ orderId, amountCents: 4998, currency: "USD", invoiceNumber: expect.stringMatching(/^INV-/) });
    const [shipment] = await stack.db.select().from(shipments).where(eq(shipments.orderId, orderId));
    expect(shipment).toMatchObject({ orderId, trackingNumber: order.tracking });
    expect(await chargesFor(stack, orderId)).toEqual([expect.objectContaining({ orderId, amountCents: 4998, paymentMethod: "pm_visa_4242", outcome: "completed" })]);
  });

  test("any other pm_… is approved like a card-network test number: shipped with tracking", async ({ stack, shopper }) => {
    const orderId = await placeOrder(stack, shopper, { items: [{ sku: "WIDGET-42", quantity: 1 }], payment_method: "pm_anything_else" });
    const order = await waitForStatus(stack, shopper, orderId, ["shipped"]);
    expect(order.tracking).toMatch(/^1Z\d+/);
    expect(order.payment_method).toBe("pm_anything_else");
  });

  const refusals = [
    { method: "pm_card_declined", status: "payment_failed", template: "payment_failed", detail: { reason: "card_declined" } },
    { method: "pm_card_fraud", status: "rejected", template: "rejected", detail: { risk_score: expect.any(Number) } },
    { method: "pm_card_risky", status: "rejected", template: "rejected", detail: { risk_score: expect.any(Number) } },
  ];
  for (const refusal of refusals) {
    test(`${refusal.method}: ${refusal.status}, the reserved stock comes back exactly once and the shopper is told`, async ({ stack, shopper }) => {
      const before = await stockOf(stack, "GADGET-7");
      // While the provider is down the charge job can only retry, so the reservation is certain
      // to happen first and there is stock to give back when the verdict arrives.
      const orderId = await withPaymentProvider(stack, { outage: true }, async () => {
        const id = await placeOrder(stack, shopper, { items: [{ sku: "GADGET-7", quantity: 3 }], payment_method: refusal.method });
        await expect.poll(async () => (await orderRow(stack, id)).stockState).toBe("reserved");
        expect(await stockOf(stack, "GADGET-7")).toBe(before - 3);
        return id;
      });

      const order = await waitForStatus(stack, shopper, orderId, [refusal.status]);
      expect(order.events.at(-1)).toMatchObject({ status: refusal.status, ...refusal.detail });
      if (refusal.method === "pm_card_declined") expect(order.failure_reason).toBe("card_declined");
      expect(await stockOf(stack, "GADGET-7")).toBe(before);
      expect((await orderRow(stack, orderId)).stockState).toBe("released");

      // The provider redelivers its verdict: a duplicate changes nothing, stock included.
      const [charge] = await chargesFor(stack, orderId);
      const redelivered = await deliverPaymentWebhook(stack, charge!.webhookId!, {
        event: refusal.status === "rejected" ? "payment.flagged" : "payment.failed",
        order_id: orderId,
        reason: charge!.reason,
        ...(refusal.status === "rejected" ? { risk_score: charge!.riskScore } : {}),
      });
      expect(redelivered).toEqual({ status: 200, body: { received: true, duplicate: true } });
      expect(await stockOf(stack, "GADGET-7")).toBe(before);

      await expect
        .poll(async () => (await mailFor(stack, orderId)).map((m) => ({ recipient: m.recipient, template: m.template })))
        .toEqual([{ recipient: shopper.email, template: refusal.template }]);
    });
  }
});

test.describe.serial("30 shoppers race for LIMITED-1 (stock 3)", () => {
  const racers: { shopper: Shopper; orderId: string }[] = [];

  test("exactly 3 orders get the stock and ship; 27 are back-ordered, the warehouse and each shopper told once", async ({ stack }) => {
    // 30 orders and 57 emails through the whole pipeline: allow for a busy machine.
    test.setTimeout(120_000);
    expect(await stockOf(stack, "LIMITED-1")).toBe(3);
    const shoppers = await Promise.all(Array.from({ length: 30 }, () => stack.newShopper()));
    const responses = await Promise.all(
      shoppers.map((shopper) => postOrder(stack, shopper, { items: [{ sku: "LIMITED-1", quantity: 1 }], payment_method: "pm_visa_4242" })),
    );
    responses.forEach((r, i) => {
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      racers.push({ shopper: shoppers[i]!, orderId: r.body.order_id });
    });
    const ids = racers.map((r) => r.orderId);

    let lowestStock = Infinity;
    await expect
      .poll(
        async () => {
          lowestStock = Math.min(lowestStock, await stockOf(stack, "LIMITED-1"));
          return statusHistogram(stack, ids);
        },
        { timeout: 60_000 },
      )
      .toEqual({ shipped: 3, backordered: 27 });
    expect(lowestStock).toBeGreaterThanOrEqual(0);
    expect(await stockOf(stack, "LIMITED-1")).toBe(0);

    const backordered = (await stack.db.select().from(orders).where(inArray(orders.id, ids))).filter((o) => o.status === "backordered");
    const shopperEmail = new Map(racers.map((r) => [r.orderId, r.shopper.email]));
    const expectedNotices = backordered.flatMap((o) => [
      { orderId: o.id, recipient: WAREHOUSE, template: "backordered_warehouse" },
      { orderId: o.id, recipient: shopperEmail.get(o.id), template: "backordered" },
    ]);
    const byOrderAndTemplate = (a: { orderId: string | null; template: string }, b: { orderId: string | null; template: string }) =>
      `${a.orderId}:${a.template}`.localeCompare(`${b.orderId}:${b.template}`);
    const notices = async () =>
      (await stack.db.select().from(mailbox).where(inArray(mailbox.orderId, ids)))
        .filter((m) => m.template.startsWith("backordered"))
        .map((m) => ({ orderId: m.orderId, recipient: m.recipient, template: m.template }))
        .sort(byOrderAndTemplate);
    await expect.poll(notices, { timeout: 30_000 }).toEqual(expectedNotices.sort(byOrderAndTemplate));
  });

  test("a restock of 2 through tRPC resumes the 2 oldest back-orders; the rest keep waiting; a non-admin gets 403", async ({ stack }) => {
    // Arrival order is orders.seq.
    const queue = (
      await stack
        .db.select({ id: orders.id })
        .from(orders)
        .where(and(inArray(orders.id, racers.map((r) => r.orderId)), eq(orders.status, "backordered")))
        .orderBy(asc(orders.seq))
    ).map((o) => o.id);
    expect(queue).toHaveLength(27);

    const shopper = await stack.newShopper();
    const denied = await restock(stack, shopper, { sku: "LIMITED-1", quantity: 2 });
    expect(denied.status).toBe(403);
    expect(denied.body.error.data).toMatchObject({ code: "FORBIDDEN", httpStatus: 403 });
    expect(await stockOf(stack, "LIMITED-1")).toBe(0);

    const admin = await stack.newShopper({ admin: true });
    const restocked = await restock(stack, admin, { sku: "LIMITED-1", quantity: 2 });
    expect(restocked.status, JSON.stringify(restocked.body)).toBe(200);
    expect(restocked.body).toEqual({ result: { data: { sku: "LIMITED-1", stock: 2 } } });

    const owner = new Map(racers.map((r) => [r.orderId, r.shopper]));
    const [first, second, ...rest] = queue;
    for (const orderId of [first!, second!]) {
      const order = await waitForStatus(stack, owner.get(orderId)!, orderId, ["shipped"]);
      expect(order.events.map((e) => e.status)).toEqual(expect.arrayContaining(["backordered", "confirmed", "shipped"]));
      expectForwardOnly(order.events);
    }
    // The two resumed orders took the whole restock: no later back-order can have moved.
    expect(await stockOf(stack, "LIMITED-1")).toBe(0);
    expect(await statusHistogram(stack, rest)).toEqual({ backordered: 25 });
  });
});

test.describe("POST /api/orders/{id}/cancel", () => {
  test("an in-flight order: 200 cancelled, stock released once, and the payment refunded exactly once although it completes after the cancel", async ({ stack, shopper }) => {
    const before = await stockOf(stack, "GADGET-7");
    // A slow provider keeps the order in payment_processing long enough to cancel it there:
    // slow to take the charge, and slow to decide it (risk scoring is part of its chain).
    await stack.setDownstream("risk", { baseLatencyMs: 1500 });
    try {
    await withPaymentProvider(stack, { baseLatencyMs: 1500 }, async () => {
      const orderId = await placeOrder(stack, shopper, { items: [{ sku: "GADGET-7", quantity: 2 }], payment_method: "pm_visa_4242" });
      await waitForStatus(stack, shopper, orderId, ["payment_processing"]);
      await expect.poll(async () => (await orderRow(stack, orderId)).stockState).toBe("reserved");
      expect(await stockOf(stack, "GADGET-7")).toBe(before - 2);

      // The provider's API goes down: the reversal can only retry, while its fraud and risk
      // checks still finish and it reports the payment completed — after the cancel.
      await stack.setDownstream("payment", { outage: true });
      const cancelled = await cancelOrder(stack, shopper, orderId);
      expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
      expect(cancelled.body).toMatchObject({ order_id: orderId, status: "cancelled" });
      expect(await stockOf(stack, "GADGET-7")).toBe(before);

      const again = await cancelOrder(stack, shopper, orderId);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ order_id: orderId, status: "cancelled", events: cancelled.body.events });

      await expect.poll(async () => (await paymentRow(stack, orderId))?.status, { timeout: 15_000 }).toBe("completed");
      expect((await getOrder(stack, shopper, orderId)).body.status).toBe("cancelled");
      expect(await reversalsFor(stack, orderId)).toEqual([]);

      await restoreDownstream(stack);
      // Two reversals were queued (by the cancel and by the late payment); once both have run…
      await expect.poll(() => openJobs(stack, "reversePayment", orderId), { timeout: 30_000 }).toBe(0);
      // …the provider holds exactly one refund, and the order is still cancelled with its stock back once.
      expect(await reversalsFor(stack, orderId)).toEqual([expect.objectContaining({ kind: "refund" })]);
      expect(await paymentRow(stack, orderId)).toMatchObject({ reversal: "refund", reversedAt: expect.any(Date) });
      const final = (await getOrder(stack, shopper, orderId)).body;
      expect(final.status).toBe("cancelled");
      expect(final.events.filter((e: EventView) => e.status === "cancelled")).toHaveLength(1);
      expect(final.events.at(-1).status).toBe("cancelled");
      expect(await stockOf(stack, "GADGET-7")).toBe(before);
      await expect.poll(async () => (await mailFor(stack, orderId)).map((m) => m.template)).toEqual(["cancelled"]);
    });
    } finally {
      await stack.setDownstream("risk", { baseLatencyMs: 2 });
    }
  });

  test("shipped, payment_failed and rejected orders answer 409; someone else's order is 404", async ({ stack, shopper }) => {
    const shipped = await placeOrder(stack, shopper);
    const failed = await placeOrder(stack, shopper, { items: [{ sku: "WIDGET-42", quantity: 1 }], payment_method: "pm_card_declined" });
    const rejected = await placeOrder(stack, shopper, { items: [{ sku: "WIDGET-42", quantity: 1 }], payment_method: "pm_card_fraud" });
    for (const [orderId, status] of [
      [shipped, "shipped"],
      [failed, "payment_failed"],
      [rejected, "rejected"],
    ] as const) {
      await waitForStatus(stack, shopper, orderId, [status]);
      const response = await cancelOrder(stack, shopper, orderId);
      expect(response.status).toBe(409);
      expectErrorBody(response.body, "order_not_cancellable");
      expect((await getOrder(stack, shopper, orderId)).body.status).toBe(status);
    }

    const stranger = await stack.newShopper();
    const theirs = await cancelOrder(stack, stranger, shipped);
    expect(theirs.status).toBe(404);
    expectErrorBody(theirs.body, "not_found");
  });
});

test("an order never moves backwards: a shipped order's events run in pipeline order, and late or duplicated webhooks change nothing", async ({ stack, shopper }) => {
  const orderId = await placeOrder(stack, shopper);
  const shipped = await waitForStatus(stack, shopper, orderId, ["shipped"]);
  expectForwardOnly(shipped.events);

  const [charge] = await chargesFor(stack, orderId);
  const duplicate = await deliverPaymentWebhook(stack, charge!.webhookId!, { event: "payment.completed", order_id: orderId, amount: 49.98, currency: "USD" });
  expect(duplicate).toEqual({ status: 200, body: { received: true, duplicate: true } });
  const contradicting = await deliverPaymentWebhook(stack, `evt_late_${orderId}`, { event: "payment.failed", order_id: orderId, reason: "card_declined" });
  expect(contradicting).toEqual({ status: 200, body: { received: true, duplicate: false } });

  const after = (await getOrder(stack, shopper, orderId)).body;
  expect(after.status).toBe("shipped");
  expect(after.events).toEqual(shipped.events);
});
