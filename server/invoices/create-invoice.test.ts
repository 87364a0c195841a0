import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { EmailService } from "@/server/email/email-service";
import { invoices, orderEvents, orders } from "@/server/db/schema";
import { placeOrder } from "@/server/orders/place-order";
import { countRoundTrips } from "@/tests/support/round-trips";
import { useServiceDatabase } from "@/tests/support/service-database";
import { createInvoice } from "./create-invoice";
import type { InvoicingService } from "./invoicing-service";

const svc = useServiceDatabase();

/** Third parties that keep their own books by idempotency key, as the real ones do; `failEmail` makes the email service refuse. */
function fakeServices() {
  const invoiceCalls: string[] = [];
  const sent = new Map<string, string>();
  let failEmail = false;
  const invoicing: InvoicingService = {
    async createInvoice({ idempotencyKey }) {
      invoiceCalls.push(idempotencyKey);
      return { invoiceNumber: `INV-${idempotencyKey}` };
    },
  };
  const email: EmailService = {
    async send({ idempotencyKey, template }) {
      if (failEmail) throw new Error("email service unavailable");
      if (!sent.has(idempotencyKey)) sent.set(idempotencyKey, template);
      return { messageId: idempotencyKey };
    },
  };
  return { services: { invoicing, email }, invoiceCalls, sent, setEmailFailing: (v: boolean) => (failEmail = v) };
}

/** An order that is paid and stocked: what the join hands to createInvoice. */
async function readyOrder(): Promise<string> {
  const { db, queue, newShopperId } = svc();
  const shopperId = await newShopperId();
  const { orderId } = await placeOrder(db, queue, { shopperId, body: { items: [{ sku: "GADGET-7", quantity: 1 }], payment_method: "pm_visa_4242" } });
  await db.update(orders).set({ status: "payment_confirmed", paymentState: "completed", stockState: "reserved" }).where(eq(orders.id, orderId));
  return orderId;
}

async function shipmentJobs(orderId: string): Promise<number> {
  const { rows } = await svc().pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'createShipment' AND data->>'orderId' = $1", [orderId]);
  return rows[0]!.n;
}

async function confirmedEvents(orderId: string): Promise<number> {
  return (await svc().db.select().from(orderEvents).where(and(eq(orderEvents.orderId, orderId), eq(orderEvents.status, "confirmed")))).length;
}

describe("createInvoice: invoice and confirmation in one job (decision 037)", () => {
  it("invoices, emails, confirms and queues the shipment; run twice, it does each once", async () => {
    const { db, queue } = svc();
    const orderId = await readyOrder();
    const fake = fakeServices();
    expect(await createInvoice(db, queue, fake.services, orderId)).toBe("confirmed");
    expect(await createInvoice(db, queue, fake.services, orderId)).toBe("skipped");

    const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
    expect(order!.status).toBe("confirmed");
    expect(await db.select({ number: invoices.invoiceNumber }).from(invoices).where(eq(invoices.orderId, orderId))).toEqual([{ number: `INV-invoice_${orderId}` }]);
    expect([...fake.sent]).toEqual([[`confirmation_${orderId}`, "confirmation"]]);
    expect(await confirmedEvents(orderId)).toBe(1);
    expect(await shipmentJobs(orderId)).toBe(1);
  });

  it("an email that fails leaves neither invoice row nor confirmation; the retry does both", async () => {
    const { db, queue } = svc();
    const orderId = await readyOrder();
    const fake = fakeServices();
    fake.setEmailFailing(true);
    await expect(createInvoice(db, queue, fake.services, orderId)).rejects.toThrow(/email service unavailable/);
    expect(await db.select().from(invoices).where(eq(invoices.orderId, orderId))).toEqual([]);
    expect((await db.select().from(orders).where(eq(orders.id, orderId)))[0]!.status).toBe("payment_confirmed");
    expect(await shipmentJobs(orderId)).toBe(0);

    fake.setEmailFailing(false);
    expect(await createInvoice(db, queue, fake.services, orderId)).toBe("confirmed");
    expect(fake.invoiceCalls).toEqual([`invoice_${orderId}`, `invoice_${orderId}`]);
    expect(await db.select().from(invoices).where(eq(invoices.orderId, orderId))).toHaveLength(1);
    expect(await shipmentJobs(orderId)).toBe(1);
  });

  it("holds the order's row for the lock, the email and one statement (decision 060): five round trips in all", async () => {
    const { db, pool, queue } = svc();
    const orderId = await readyOrder();
    const fake = fakeServices();
    let sentAfter: string[] = [];
    const counted = await countRoundTrips(pool, async (sentSoFar) => {
      const email: EmailService = { send: async (message) => ((sentAfter = [...sentSoFar]), fake.services.email.send(message)) };
      expect(await createInvoice(db, queue, { invoicing: fake.services.invoicing, email }, orderId)).toBe("confirmed");
    });
    expect(counted.map((s) => s.split(" ")[0]!.toLowerCase()), counted.join("\n")).toEqual(["select", "begin", "select", "with", "commit"]);
    expect(await shipmentJobs(orderId)).toBe(1);
    expect(await db.select({ number: invoices.invoiceNumber }).from(invoices).where(eq(invoices.orderId, orderId))).toEqual([{ number: `INV-invoice_${orderId}` }]);
    // The email goes out holding the lock, before the move (decision 010).
    expect(sentAfter).toEqual(counted.slice(0, 3));
  });

  it("does nothing for an order that is no longer ready to fulfil (cancelled)", async () => {
    const { db, queue } = svc();
    const orderId = await readyOrder();
    await db.update(orders).set({ status: "cancelled" }).where(eq(orders.id, orderId));
    const fake = fakeServices();
    expect(await createInvoice(db, queue, fake.services, orderId)).toBe("skipped");
    expect(fake.invoiceCalls).toEqual([]);
    expect(fake.sent.size).toBe(0);
    expect(await db.select().from(invoices).where(eq(invoices.orderId, orderId))).toEqual([]);
  });
});
