import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { orders, webhookReceipts } from "@/server/db/schema";
import { placeOrder } from "@/server/orders/place-order";
import { useServiceDatabase } from "@/tests/support/service-database";
import { handlePaymentWebhook } from "./handle-payment-webhook";

const svc = useServiceDatabase();

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
    expect(await handlePaymentWebhook(db, queue, "evt_once_1", failed)).toBe("processed");
    const [afterFirst] = await db.select().from(orders).where(eq(orders.id, orderId));
    expect(afterFirst?.status).toBe("payment_failed");
    // Redelivered, even with another body: the id decides.
    const completed = { event: "payment.completed", order_id: orderId, amount: 0, currency: "USD" } as const;
    expect(await handlePaymentWebhook(db, queue, "evt_once_1", completed as never)).toBe("duplicate");
    const [afterSecond] = await db.select().from(orders).where(eq(orders.id, orderId));
    expect(afterSecond?.status).toBe("payment_failed");
    expect(afterSecond?.paymentState).toBe("failed");
  });

  it("answers not found for an unknown order and records no receipt for it", async () => {
    const { db, queue } = svc();
    const unknown = "ord_doesnotexist0000000000";
    await expect(handlePaymentWebhook(db, queue, "evt_unknown_1", { event: "payment.failed", order_id: unknown } as never)).rejects.toMatchObject({ status: 404 });
    expect(await db.select().from(webhookReceipts).where(eq(webhookReceipts.webhookId, "evt_unknown_1"))).toEqual([]);
  });

  it("takes concurrent deliveries of one id as one", async () => {
    const { db, queue } = svc();
    const orderId = await newOrder();
    const payload = { event: "payment.failed", order_id: orderId, reason: "card_declined" } as const;
    const outcomes = await Promise.all([1, 2, 3].map(() => handlePaymentWebhook(db, queue, "evt_race_1", payload)));
    expect(outcomes.sort()).toEqual(["duplicate", "duplicate", "processed"]);
  });
});
