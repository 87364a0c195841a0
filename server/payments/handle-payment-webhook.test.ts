import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { orders, webhookLog, webhookReceipts } from "@/server/db/schema";
import { placeOrder } from "@/server/orders/place-order";
import { useServiceDatabase } from "@/tests/support/service-database";
import { handlePaymentWebhook } from "./handle-payment-webhook";

const svc = useServiceDatabase();

/** The body as the provider would send it (the handler logs it as received). */
const rawOf = (payload: unknown) => Buffer.from(JSON.stringify(payload));

async function logOf(webhookId: string) {
  const { db } = svc();
  return db.select({ outcome: webhookLog.outcome, orderId: webhookLog.orderId, event: webhookLog.event, payload: webhookLog.payload }).from(webhookLog).where(eq(webhookLog.webhookId, webhookId)).orderBy(webhookLog.seq);
}

async function newOrder(): Promise<string> {
  const { db, queue, newShopperId } = svc();
  const placed = await placeOrder(db, queue, { shopperId: await newShopperId(), body: { items: [{ sku: "GADGET-7", quantity: 1 }], payment_method: "pm_visa_4242" } });
  return placed.orderId;
}

describe("handlePaymentWebhook", () => {
  it("applies a delivery once: the same webhook id again is a duplicate that changes nothing", async () => {
    const { db, queue } = svc();
    const orderId = await newOrder();
    const failed = { event: "payment.failed", order_id: orderId, reason: "card_declined" } as const;
    expect(await handlePaymentWebhook(db, queue, "evt_once_1", failed, rawOf(failed))).toBe("processed");
    const [afterFirst] = await db.select().from(orders).where(eq(orders.id, orderId));
    expect(afterFirst?.status).toBe("payment_failed");
    // Redelivered, even with another body: the id decides.
    const completed = { event: "payment.completed", order_id: orderId, amount: 0, currency: "USD" } as const;
    expect(await handlePaymentWebhook(db, queue, "evt_once_1", completed as never, rawOf(completed))).toBe("duplicate");
    const [afterSecond] = await db.select().from(orders).where(eq(orders.id, orderId));
    expect(afterSecond?.status).toBe("payment_failed");
    expect(afterSecond?.paymentState).toBe("failed");
    // Each delivery has its line in the webhook log, written by the statement that handled it.
    expect(await logOf("evt_once_1")).toEqual([
      { outcome: "processed", orderId, event: "payment.failed", payload: JSON.stringify(failed) },
      { outcome: "duplicate", orderId, event: "payment.completed", payload: JSON.stringify(completed) },
    ]);
  });

  it("answers not found for an unknown order and records no receipt for it", async () => {
    const { db, queue } = svc();
    const unknown = "ord_doesnotexist0000000000";
    const payload = { event: "payment.failed", order_id: unknown };
    await expect(handlePaymentWebhook(db, queue, "evt_unknown_1", payload as never, rawOf(payload))).rejects.toMatchObject({ status: 404 });
    expect(await db.select().from(webhookReceipts).where(eq(webhookReceipts.webhookId, "evt_unknown_1"))).toEqual([]);
    // The route logs it as unknown_order; the handler's statement wrote nothing.
    expect(await logOf("evt_unknown_1")).toEqual([]);
  });

  it("takes concurrent deliveries of one id as one", async () => {
    const { db, queue } = svc();
    const orderId = await newOrder();
    const payload = { event: "payment.failed", order_id: orderId, reason: "card_declined" } as const;
    const outcomes = await Promise.all([1, 2, 3].map(() => handlePaymentWebhook(db, queue, "evt_race_1", payload, rawOf(payload))));
    expect(outcomes.sort()).toEqual(["duplicate", "duplicate", "processed"]);
    expect((await logOf("evt_race_1")).map((line) => line.outcome).sort()).toEqual(["duplicate", "duplicate", "processed"]);
  });
});
