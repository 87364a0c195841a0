import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { mailbox, orders, products } from "@/server/db/schema";
import { placeOrder } from "@/server/orders/place-order";
import { countRoundTrips } from "@/tests/support/round-trips";
import { useServiceDatabase } from "@/tests/support/service-database";
import { releaseOrderStock } from "./release-order-stock";
import { reserveStock } from "./reserve-stock";
import { resumeBackorders } from "./resume-backorders";

const svc = useServiceDatabase();

async function stockOf(sku: string): Promise<number> {
  const [row] = await svc().db.select({ stock: products.stock }).from(products).where(eq(products.sku, sku));
  return row!.stock;
}

async function placeMany(n: number, sku: string): Promise<string[]> {
  const { db, queue, newShopperId } = svc();
  const shopperId = await newShopperId();
  const ids: string[] = [];
  // In sequence, so arrival order is known.
  for (let i = 0; i < n; i++) {
    ids.push((await placeOrder(db, queue, { shopperId, body: { items: [{ sku, quantity: 1 }], payment_method: "pm_visa_4242" } })).orderId);
  }
  return ids;
}

describe("stock reservation", () => {
  it("30 concurrent reservations of LIMITED-1 (stock 3): exactly 3 succeed, 27 back-order, stock ends at 0", async () => {
    const { db, queue } = svc();
    const ids = await placeMany(30, "LIMITED-1");
    const outcomes = await Promise.all(ids.map((id) => reserveStock(db, queue, id)));

    expect(outcomes.filter((o) => o === "reserved")).toHaveLength(3);
    expect(outcomes.filter((o) => o === "backordered")).toHaveLength(27);
    expect(await stockOf("LIMITED-1")).toBe(0);
    const rows = await db.select().from(orders).where(inArray(orders.id, ids));
    expect(rows.filter((o) => o.status === "backordered")).toHaveLength(27);

    // Running every reservation again (at-least-once delivery) changes nothing.
    expect(await Promise.all(ids.map((id) => reserveStock(db, queue, id)))).toEqual(Array(30).fill("skipped"));
    expect(await stockOf("LIMITED-1")).toBe(0);
  });

  it("a one-line order's units and its fact are one statement, the last before the commit (decision 061)", async () => {
    const { db, pool, queue } = svc();
    const before = await stockOf("GADGET-7");
    const [id] = await placeMany(1, "GADGET-7");
    const sent = await countRoundTrips(pool, async () => expect(await reserveStock(db, queue, id!)).toBe("reserved"));
    // BEGIN, the order's lock, its lines, the units with the fact, COMMIT: the SKU's row is held for the last two.
    expect(sent.map((s) => s.split(" ")[0]!.toLowerCase()), sent.join("\n")).toEqual(["begin", "select", "select", "with", "commit"]);
    expect(await stockOf("GADGET-7")).toBe(before - 1);
    const [row] = await db.select().from(orders).where(eq(orders.id, id!));
    expect(row).toMatchObject({ stockState: "reserved", status: "pending" });
  });

  it("a two-line order short of one SKU takes neither (all or nothing)", async () => {
    const { db, queue, newShopperId } = svc();
    // SKUs of its own: the back-order it leaves would queue later orders of these SKUs behind it.
    await db.update(products).set({ stock: 0 }).where(eq(products.sku, "THINGAMAJIG-1"));
    const gizmos = await stockOf("GIZMO-3");
    const shopperId = await newShopperId();
    const body = { items: [{ sku: "GIZMO-3", quantity: 1 }, { sku: "THINGAMAJIG-1", quantity: 1 }], payment_method: "pm_visa_4242" };
    const { orderId } = await placeOrder(db, queue, { shopperId, body });
    expect(await reserveStock(db, queue, orderId)).toBe("backordered");
    expect(await stockOf("GIZMO-3")).toBe(gizmos);
    const [row] = await db.select().from(orders).where(eq(orders.id, orderId));
    expect(row).toMatchObject({ stockState: "backordered", status: "backordered" });
  });

  it("stock can never go negative, even when written directly", async () => {
    const { db } = svc();
    await expect(db.update(products).set({ stock: -1 }).where(eq(products.sku, "LIMITED-1"))).rejects.toThrow();
  });

  it("releasing a reservation gives the stock back exactly once", async () => {
    const { db, queue } = svc();
    const before = await stockOf("GADGET-7");
    const [id] = await placeMany(1, "GADGET-7");
    await reserveStock(db, queue, id!);
    expect(await stockOf("GADGET-7")).toBe(before - 1);
    const releases = await Promise.all([1, 2, 3].map(() => db.transaction((tx) => releaseOrderStock(tx, id!))));
    expect(releases.filter(Boolean)).toHaveLength(1);
    expect(await stockOf("GADGET-7")).toBe(before);
  });

  it("a restock resumes back-ordered orders in arrival order, and emails warehouse and shopper", async () => {
    const { db, boss, queue } = svc();
    await db.update(products).set({ stock: 0 }).where(eq(products.sku, "DOOHICKEY-5"));
    const ids = await placeMany(4, "DOOHICKEY-5");
    for (const id of ids) expect(await reserveStock(db, queue, id)).toBe("backordered");

    await db.update(products).set({ stock: 2 }).where(eq(products.sku, "DOOHICKEY-5"));
    const { resumed } = await resumeBackorders(db, queue, "DOOHICKEY-5");
    expect(resumed).toEqual(ids.slice(0, 2));
    const rows = await db.select().from(orders).where(inArray(orders.id, ids));
    const stockState = new Map(rows.map((o) => [o.id, o.stockState]));
    expect(ids.map((id) => stockState.get(id))).toEqual(["reserved", "reserved", "backordered", "backordered"]);
    expect(await stockOf("DOOHICKEY-5")).toBe(0);

    // The notices are queued as jobs; no worker runs here, so the mailbox is still empty.
    expect(await db.select().from(mailbox).where(inArray(mailbox.orderId, ids))).toHaveLength(0);
    const { rows: notices } = await boss.getDb().executeSql(
      "SELECT name, data->>'to' AS to FROM pgboss.job WHERE name IN ('notifyShopper', 'notifyWarehouse') AND data->>'orderId' = $1 ORDER BY 1",
      [ids[0]],
    );
    // Each notice on its own step's queue.
    expect(notices).toEqual([
      { name: "notifyShopper", to: "shopper" },
      { name: "notifyWarehouse", to: "warehouse" },
    ]);
  });

  it("a new order does not take units an earlier back-order is waiting for: it queues behind it", async () => {
    const { db, queue, newShopperId } = svc();
    await db.update(products).set({ stock: 0 }).where(eq(products.sku, "SPROCKET-9"));
    const shopperId = await newShopperId();
    const place = async (quantity: number) =>
      (await placeOrder(db, queue, { shopperId, body: { items: [{ sku: "SPROCKET-9", quantity }], payment_method: "pm_visa_4242" } })).orderId;
    const waiting = await place(2);
    expect(await reserveStock(db, queue, waiting)).toBe("backordered");

    await db.update(products).set({ stock: 1 }).where(eq(products.sku, "SPROCKET-9"));
    const newcomer = await place(1);
    expect(await reserveStock(db, queue, newcomer)).toBe("backordered");
    expect(await stockOf("SPROCKET-9")).toBe(1);

    await db.update(products).set({ stock: 2 }).where(eq(products.sku, "SPROCKET-9"));
    expect((await resumeBackorders(db, queue, "SPROCKET-9")).resumed).toEqual([waiting]);
    await db.update(products).set({ stock: 1 }).where(eq(products.sku, "SPROCKET-9"));
    expect((await resumeBackorders(db, queue, "SPROCKET-9")).resumed).toEqual([newcomer]);
    expect(await stockOf("SPROCKET-9")).toBe(0);
  });
});
