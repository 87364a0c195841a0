/**
 * The test controls' services on a real Postgres (the HTTP door and the cookies are covered by
 * e2e/api/test-controls.spec.ts): what a reset empties and what it keeps, what settle counts
 * as pending, and stock and downstream settings set through the admin's own services.
 */
import { eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { getOverview } from "@/server/admin/get-overview";
import { createApiKey } from "@/server/auth/api-keys";
import { apiKeys, cartLines, downstreamSettings, mailbox, orders, products, shoppers, simCharges } from "@/server/db/schema";
import { SEED_PRODUCTS } from "@/server/db/seed";
import { newId } from "@/server/ids";
import { reserveStock } from "@/server/inventory/reserve-stock";
import { placeOrder } from "@/server/orders/place-order";
import { useServiceDatabase } from "@/tests/support/service-database";
import { listEmails } from "./list-emails";
import { JOBS_A_RESET_KEEPS, resetShop } from "./reset-shop";
import { setDownstream } from "./set-downstream";
import { setStock } from "./set-stock";
import { PROVIDER_WEBHOOKS, pendingWork, settlePipeline } from "./settle-pipeline";

const svc = useServiceDatabase();
const noCharges = async () => [];

async function place(sku = "WIDGET-42", quantity = 1, shopperId?: string): Promise<string> {
  const { db, queue, newShopperId } = svc();
  const body = { items: [{ sku, quantity }], payment_method: "pm_visa_4242" };
  return (await placeOrder(db, queue, { shopperId: shopperId ?? (await newShopperId()), body, idempotencyKey: newId("key") })).orderId;
}

async function rowCounts(): Promise<Record<string, number>> {
  const { rows } = await svc().pool.query<{ name: string }>(
    "SELECT relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition",
  );
  const counts: Record<string, number> = {};
  for (const { name } of rows) counts[name] = (await svc().pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${name}"`)).rows[0]!.n;
  return counts;
}

async function pipelineJobs(): Promise<number> {
  const { rows } = await svc().pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE NOT (${JOBS_A_RESET_KEEPS})`);
  return rows[0]!.n;
}

describe("resetShop", () => {
  it("empties every shop table, keeps the admins with their keys, and puts the catalog and the simulated services back as seeded", async () => {
    const { db, boss } = svc();
    const admin = await createApiKey(db, `reset-admin.${Date.now()}@example.test`);
    await db.update(shoppers).set({ role: "admin" }).where(eq(shoppers.id, admin.shopper.id));
    const shopper = await createApiKey(db, `reset-shopper.${Date.now()}@example.test`);
    const orderId = await place("LIMITED-1", 1, shopper.shopper.id);
    await place("WIDGET-42", 2);
    await db.insert(cartLines).values({ shopperId: shopper.shopper.id, sku: "GADGET-7", quantity: 2 });
    await db.insert(mailbox).values({ id: newId("msg"), idempotencyKey: newId("key"), recipient: shopper.shopper.email, subject: "Hi", body: "…", template: "confirmation", orderId });
    await db.insert(simCharges).values({ id: newId("ch"), idempotencyKey: newId("key"), orderId, amountCents: 9900, currency: "USD", paymentMethod: "pm_visa_4242" });
    await boss.send("createShipment.dead", { orderId });
    await db.update(products).set({ stock: 0, priceCents: 1 }).where(eq(products.sku, "LIMITED-1"));
    await setDownstream(db, "carrier", { outage: true, latency_ms: 900, failure_rate: 0.5 });
    expect((await getOverview(db, svc().pipeline)).statusCounts.pending).toBeGreaterThanOrEqual(2);

    await resetShop(db, svc().pipeline);

    const kept = new Set(["products", "downstream_settings", "worker_heartbeats", "shoppers", "api_keys", "auth_sessions", "auth_accounts"]);
    const counts = await rowCounts();
    expect(Object.entries(counts).filter(([table, n]) => !kept.has(table) && n > 0)).toEqual([]);
    expect(await pipelineJobs()).toBe(0);
    const left = await db.select({ email: shoppers.email, role: shoppers.role }).from(shoppers);
    expect(left.length).toBeGreaterThanOrEqual(2); // the seeded admin and ours
    expect(left.every((s) => s.role === "admin")).toBe(true);
    expect(await db.select().from(apiKeys).where(eq(apiKeys.shopperId, admin.shopper.id))).toHaveLength(1);

    const catalog = await db.select({ sku: products.sku, stock: products.stock, priceCents: products.priceCents }).from(products);
    expect(catalog).toEqual(expect.arrayContaining(SEED_PRODUCTS.map(({ sku, stock, priceCents }) => ({ sku, stock, priceCents }))));
    const [carrier] = await db.select().from(downstreamSettings).where(eq(downstreamSettings.service, "carrier"));
    expect(carrier).toMatchObject({ baseLatencyMs: 2, jitterMs: 3, failureRate: 0, outage: false, capacity: 32, spikeUntil: null });

    const overview = await getOverview(db, svc().pipeline);
    expect(Object.values(overview.statusCounts).every((n) => n === 0)).toBe(true);
    expect(overview.queues.every((q) => q.waiting === 0 && q.dead === 0 && q.scheduled === 0)).toBe(true);
  });

  it("keeps the hourly maintenance scheduled", async () => {
    await resetShop(svc().db, svc().pipeline);
    const { rows } = await svc().pool.query("SELECT name FROM pgboss.schedule WHERE name = 'maintenance.hourly'");
    expect(rows).toHaveLength(1);
  });
});

describe("settle", () => {
  beforeEach(() => resetShop(svc().db, svc().pipeline));

  it("is idle at once when nothing is queued", async () => {
    expect(await settlePipeline(svc().db, svc().pipeline, 0, noCharges)).toEqual({ idle: true });
  });

  it("counts jobs due now and running, per queue, and says what waits when the time is up", async () => {
    const { db, boss } = svc();
    await place();
    expect(await pendingWork(db, svc().pipeline, 0, noCharges)).toEqual({ chargePayment: 1, reserveStock: 1 });
    const [charge] = await boss.fetch("chargePayment");
    expect(charge).toBeDefined();
    expect(await settlePipeline(db, svc().pipeline, 0, noCharges)).toEqual({ idle: false, waiting: { chargePayment: 1, reserveStock: 1 } });
  });

  it("answers idle as soon as the last job is done, within its timeout", async () => {
    const { db, boss } = svc();
    await place();
    const settled = settlePipeline(db, svc().pipeline, 30, noCharges);
    for (const queue of ["chargePayment", "reserveStock"] as const) {
      const [job] = await boss.fetch(queue);
      await boss.complete(queue, job!.id);
    }
    expect(await settled).toEqual({ idle: true });
  });

  it("counts a job (or a retry) due within the horizon, not one scheduled later, nor dead letters", async () => {
    const { db, boss } = svc();
    await boss.send("reconcilePayment", { orderId: "ord_later", attempt: 0 }, { startAfter: 300 });
    await boss.send("createShipment", { orderId: "ord_soon" }, { startAfter: 5 });
    await boss.send("createShipment.dead", { orderId: "ord_dead" });
    expect(await pendingWork(db, svc().pipeline, 0, noCharges)).toEqual({});
    expect(await pendingWork(db, svc().pipeline, 10, noCharges)).toEqual({ createShipment: 1 });
    expect(await pendingWork(db, svc().pipeline, 60, noCharges)).toEqual({ createShipment: 1 });
  });

  it("counts the payment provider's webhooks still to come, of charges that still exist", async () => {
    const { db } = svc();
    const id = newId("ch");
    await db.insert(simCharges).values({ id, idempotencyKey: newId("key"), orderId: "ord_x", amountCents: 100, currency: "USD", paymentMethod: "pm_visa_4242" });
    expect(await pendingWork(db, svc().pipeline, 10, async () => [id, "ch_forgotten_by_a_reset"])).toEqual({ [PROVIDER_WEBHOOKS]: 1 });
    expect(await pendingWork(db, svc().pipeline, 10, async () => ["ch_forgotten_by_a_reset"])).toEqual({});
  });

  it("does not wait for a back-ordered order: it waits for stock, not for a job", async () => {
    const { db, boss, queue } = svc();
    await setStock(db, queue, "LIMITED-1", 0);
    const orderId = await place("LIMITED-1", 1);
    await boss.deleteAllJobs("chargePayment");
    const [reserve] = await boss.fetch("reserveStock");
    expect(await reserveStock(db, queue, orderId)).toBe("backordered");
    await boss.complete("reserveStock", reserve!.id);
    // The back-order's notices and its first resumption pass, as the workers would have run them.
    await db.execute(sql`DELETE FROM pgboss.job WHERE name IN ('notifyShopper', 'notifyWarehouse', 'resumeBackorders')`);
    expect((await db.select({ status: orders.status }).from(orders).where(eq(orders.id, orderId)))[0]?.status).toBe("backordered");
    expect(await settlePipeline(db, svc().pipeline, 0, noCharges)).toEqual({ idle: true });
  });
});

describe("setStock", () => {
  it("raising the stock is a restock: waiting back-orders get a resumption job; lowering it touches no order", async () => {
    const { db, boss, queue } = svc();
    await resetShop(db, svc().pipeline);
    expect(await setStock(db, queue, "LIMITED-1", 1)).toEqual({ sku: "LIMITED-1", stock: 1 });
    expect(await boss.fetch("resumeBackorders")).toEqual([]);
    expect(await setStock(db, queue, "LIMITED-1", 7)).toEqual({ sku: "LIMITED-1", stock: 7 });
    expect(await boss.fetch("resumeBackorders")).toEqual([expect.objectContaining({ data: expect.objectContaining({ sku: "LIMITED-1" }) })]);
    expect(await setStock(db, queue, "LIMITED-1", 7)).toEqual({ sku: "LIMITED-1", stock: 7 });
    await expect(setStock(db, queue, "NO-SUCH-SKU", 1)).rejects.toMatchObject({ status: 404 });
  });
});

describe("setDownstream", () => {
  it("changes only what it names and answers the settings in force", async () => {
    const { db } = svc();
    await resetShop(db, svc().pipeline);
    expect(await setDownstream(db, "email", { failure_rate: 0.25 })).toEqual({ service: "email", latency_ms: 2, jitter_ms: 3, failure_rate: 0.25, outage: false, capacity: 32 });
    expect(await setDownstream(db, "email", { outage: true, latency_ms: 40 })).toEqual({ service: "email", latency_ms: 40, jitter_ms: 3, failure_rate: 0.25, outage: true, capacity: 32 });
  });
});

describe("listEmails", () => {
  it("lists the mailbox newest first, all of it or one recipient's, whatever the case of the address", async () => {
    const { db } = svc();
    await resetShop(db, svc().pipeline);
    const send = (to: string, subject: string, at: string, orderId: string | null = null) =>
      db.insert(mailbox).values({ id: newId("msg"), idempotencyKey: newId("key"), recipient: to, subject, body: `${subject} body`, template: "confirmation", orderId, createdAt: new Date(at) });
    await send("ann@example.test", "first", "2026-01-01T10:00:00Z", "ord_a");
    await send("bob@example.test", "other", "2026-01-01T10:00:01Z");
    await send("ann@example.test", "second", "2026-01-01T10:00:02Z");
    expect(await listEmails(db, { to: "Ann@Example.test", limit: 100 })).toEqual({
      data: [
        { to: "ann@example.test", subject: "second", text: "second body", sent_at: "2026-01-01T10:00:02.000Z" },
        { to: "ann@example.test", subject: "first", text: "first body", sent_at: "2026-01-01T10:00:00.000Z", order_id: "ord_a" },
      ],
    });
    expect((await listEmails(db, { limit: 2 })).data.map((m) => m.subject)).toEqual(["second", "other"]);
  });
});
