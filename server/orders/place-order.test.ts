import { count, eq, sql } from "drizzle-orm";
import type { PgBoss } from "pg-boss";
import { describe, expect, it } from "vitest";
import type { JobSender } from "@/jobs/boss";
import { orderEvents, orderLines, orders } from "@/server/db/schema";
import type pg from "pg";
import { createDatabase } from "@/server/db/client";
import { useServiceDatabase } from "@/tests/support/service-database";
import { placeOrder } from "./place-order";

const svc = useServiceDatabase();
const BODY = { items: [{ sku: "WIDGET-42", quantity: 2 }], payment_method: "pm_visa_4242" };

async function jobsFor(boss: PgBoss, orderId: string): Promise<number> {
  const { rows } = await boss.getDb().executeSql("SELECT count(*)::int AS n FROM pgboss.job WHERE data->>'orderId' = $1", [orderId]);
  return rows[0].n as number;
}

describe("placeOrder", () => {
  it("commits the order, its lines, its first event and both fan-out jobs together", async () => {
    const { db, boss, newShopperId } = svc();
    const result = await placeOrder(db, boss, { shopperId: await newShopperId(), body: BODY });
    expect(result.kind).toBe("created");
    const [order] = await db.select().from(orders).where(eq(orders.id, result.orderId));
    expect(order).toMatchObject({ status: "pending", totalCents: 4998 });
    expect(await db.select().from(orderLines).where(eq(orderLines.orderId, result.orderId))).toHaveLength(1);
    expect(await db.select().from(orderEvents).where(eq(orderEvents.orderId, result.orderId))).toHaveLength(1);
    // order.created fans out to payment.charge and inventory.reserve.
    expect(await jobsFor(boss, result.orderId)).toBe(2);
  });

  it("an Idempotency-Key expires after 24 hours: it may then be used for a new request", async () => {
    const { db, boss, newShopperId } = svc();
    const shopperId = await newShopperId();
    const first = await placeOrder(db, boss, { shopperId, body: BODY, idempotencyKey: "daily" });
    const other = { items: [{ sku: "GADGET-7", quantity: 1 }], payment_method: "pm_visa_4242" };
    await expect(placeOrder(db, boss, { shopperId, body: other, idempotencyKey: "daily" })).rejects.toMatchObject({ status: 422 });

    await db.execute(sql`UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE shopper_id = ${shopperId}`);
    const later = await placeOrder(db, boss, { shopperId, body: other, idempotencyKey: "daily" });
    expect(later.kind).toBe("created");
    expect(later.orderId).not.toBe(first.orderId);
  });

  it("an error after the order insert inside the transaction leaves no order and no job", async () => {
    const { db, boss, newShopperId } = svc();
    let enqueuedFor: string | undefined;
    // The real pg-boss enqueues inside the transaction, then something fails afterwards.
    const failingAfterEnqueue: JobSender = {
      send: boss.send.bind(boss),
      publish: async (event, data, options) => {
        await boss.publish(event, data, options);
        enqueuedFor = (data as { orderId: string }).orderId;
        throw new Error("boom after enqueue");
      },
    };
    const shopperId = await newShopperId();
    await expect(placeOrder(db, failingAfterEnqueue, { shopperId, body: BODY, idempotencyKey: "atomic-1" })).rejects.toThrow("boom after enqueue");

    expect(enqueuedFor).toMatch(/^ord_/);
    const [left] = await db.select({ n: count() }).from(orders).where(eq(orders.shopperId, shopperId));
    expect(left!.n).toBe(0);
    expect(await jobsFor(boss, enqueuedFor!)).toBe(0);
    const keys = await db.execute(sql`SELECT 1 FROM idempotency_keys WHERE shopper_id = ${shopperId}`);
    expect(keys.rows).toHaveLength(0);
  });

  it("a connection lost just as COMMIT went through: the order is stored, so it is reported created, not as nothing written", async () => {
    const { boss, url, db: check, newShopperId } = svc();
    const { db, pool } = createDatabase(url, 2);
    let lostAtCommit = 0;
    // The server commits; the connection dies before its answer reaches us (the socket goes).
    pool.on("acquire", (client: pg.PoolClient) => {
      const query = client.query;
      client.query = async function (this: pg.PoolClient, ...args: unknown[]) {
        const result = await (query as (...a: unknown[]) => Promise<unknown>).apply(client, args);
        const text = typeof args[0] === "string" ? args[0] : (args[0] as { text?: string }).text;
        if (text?.trim().toLowerCase() !== "commit") return result;
        lostAtCommit++;
        (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
        throw new Error("Connection terminated unexpectedly");
      } as typeof client.query;
    });
    try {
      const shopperId = await newShopperId();
      const result = await placeOrder(db, boss, { shopperId, body: BODY, idempotencyKey: "lost-commit" });
      expect(lostAtCommit).toBe(1);
      expect(result.kind).toBe("created");
      const stored = await check.select({ id: orders.id }).from(orders).where(eq(orders.shopperId, shopperId));
      expect(stored).toEqual([{ id: result.orderId }]);
    } finally {
      await pool.end();
    }
  });
});
