import { count, eq, sql } from "drizzle-orm";
import type { PgBoss } from "pg-boss";
import { describe, expect, it } from "vitest";
import type { StepQueue } from "@/server/pipeline/step-queue";
import { orderEvents, orderLines, orders } from "@/server/db/schema";
import type pg from "pg";
import { createDatabase } from "@/server/db/client";
import { countRoundTrips } from "@/tests/support/round-trips";
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
    const { db, boss, queue, newShopperId } = svc();
    const result = await placeOrder(db, queue, { shopperId: await newShopperId(), body: BODY });
    expect(result.kind).toBe("created");
    const [order] = await db.select().from(orders).where(eq(orders.id, result.orderId));
    expect(order).toMatchObject({ status: "pending", totalCents: 4998 });
    expect(await db.select().from(orderLines).where(eq(orderLines.orderId, result.orderId))).toHaveLength(1);
    expect(await db.select().from(orderEvents).where(eq(orderEvents.orderId, result.orderId))).toHaveLength(1);
    // `placed` is followed by chargePayment and reserveStock (the step table).
    expect(await jobsFor(boss, result.orderId)).toBe(2);
  });

  it("an Idempotency-Key expires after 24 hours: it may then be used for a new request", async () => {
    const { db, queue, newShopperId } = svc();
    const shopperId = await newShopperId();
    const first = await placeOrder(db, queue, { shopperId, body: BODY, idempotencyKey: "daily" });
    const other = { items: [{ sku: "GADGET-7", quantity: 1 }], payment_method: "pm_visa_4242" };
    await expect(placeOrder(db, queue, { shopperId, body: other, idempotencyKey: "daily" })).rejects.toMatchObject({ status: 422 });

    await db.execute(sql`UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE shopper_id = ${shopperId}`);
    const later = await placeOrder(db, queue, { shopperId, body: other, idempotencyKey: "daily" });
    expect(later.kind).toBe("created");
    expect(later.orderId).not.toBe(first.orderId);
  });

  it("an error after the order insert inside the transaction leaves no order and no job", async () => {
    const { db, boss, queue, newShopperId } = svc();
    let enqueuedFor: string | undefined;
    // The real pg-boss enqueues inside the transaction, then something fails afterwards.
    const failingAfterEnqueue: StepQueue = {
      advance: async (tx, from, outcome, ctx) => {
        const enqueued = await queue.advance(tx, from, outcome, ctx);
        enqueuedFor = ctx.order?.id;
        if (enqueued.length > 0) throw new Error("boom after enqueue");
        return enqueued;
      },
      withdrawWaiting: queue.withdrawWaiting,
      advanceAlongside: queue.advanceAlongside,
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
    const { queue, url, db: check, newShopperId } = svc();
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
      const result = await placeOrder(db, queue, { shopperId, body: BODY, idempotencyKey: "lost-commit" });
      expect(lostAtCommit).toBe(1);
      expect(result.kind).toBe("created");
      const stored = await check.select({ id: orders.id }).from(orders).where(eq(orders.shopperId, shopperId));
      expect(stored).toEqual([{ id: result.orderId }]);
    } finally {
      await pool.end();
    }
  });
});

describe("placeOrder round trips", () => {
  it("a new order with an Idempotency-Key takes at most 4 statements, BEGIN and COMMIT included", async () => {
    const { db, pool, queue, newShopperId } = svc();
    const shopperId = await newShopperId();
    const sent = await countRoundTrips(pool, () => placeOrder(db, queue, { shopperId, body: BODY, idempotencyKey: "counted" }));
    expect(sent, sent.join("\n")).toHaveLength(4);
  });

  it("without a key it is 4 as well, and a replay is 3 (nothing to write)", async () => {
    const { db, pool, queue, newShopperId } = svc();
    const shopperId = await newShopperId();
    expect(await countRoundTrips(pool, () => placeOrder(db, queue, { shopperId, body: BODY }))).toHaveLength(4);
    await placeOrder(db, queue, { shopperId, body: BODY, idempotencyKey: "twice" });
    const sent = await countRoundTrips(pool, async () => expect((await placeOrder(db, queue, { shopperId, body: BODY, idempotencyKey: "twice" })).kind).toBe("replayed"));
    expect(sent, sent.join("\n")).toHaveLength(3);
  });
});

describe("placeOrder and its Idempotency-Key", () => {
  it("concurrent requests with one key make exactly one order; the others replay it or are told it is in use", async () => {
    const { db, queue, newShopperId } = svc();
    const shopperId = await newShopperId();
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => placeOrder(db, queue, { shopperId, body: BODY, idempotencyKey: "race" })));
    const created = results.filter((r) => r.status === "fulfilled" && r.value.kind === "created");
    expect(created).toHaveLength(1);
    for (const r of results) {
      if (r.status === "rejected") expect(r.reason).toMatchObject({ status: 409, code: "idempotency_key_in_use" });
      else expect(r.value.orderId).toBe((created[0] as PromiseFulfilledResult<{ orderId: string }>).value.orderId);
    }
    const [stored] = await db.select({ n: count() }).from(orders).where(eq(orders.shopperId, shopperId));
    expect(stored!.n).toBe(1);
  });

  it("a replay answers the first response; an unknown SKU claims nothing, so the key still works for a good body", async () => {
    const { db, queue, newShopperId } = svc();
    const shopperId = await newShopperId();
    const bad = { items: [{ sku: "NO-SUCH-SKU", quantity: 1 }, { sku: "WIDGET-42", quantity: 1 }], payment_method: "pm_visa_4242" };
    await expect(placeOrder(db, queue, { shopperId, body: bad, idempotencyKey: "k" })).rejects.toMatchObject({
      status: 422,
      code: "unknown_sku",
      details: { unknown_skus: ["NO-SUCH-SKU"] },
    });
    const first = await placeOrder(db, queue, { shopperId, body: BODY, idempotencyKey: "k" });
    // Same body, keys in another order: the same request.
    const again = await placeOrder(db, queue, { shopperId, body: { payment_method: "pm_visa_4242", items: [{ quantity: 2, sku: "WIDGET-42" }] }, idempotencyKey: "k" });
    expect(first.kind).toBe("created");
    expect(again).toEqual({ kind: "replayed", orderId: first.orderId, status: 202, body: first.kind === "created" ? first.accepted : {}, preferenceApplied: null });
  });

  it("while a held (Prefer: wait) request keeps its key, a replay is told the key is in use", async () => {
    const { db, queue, newShopperId } = svc();
    const shopperId = await newShopperId();
    await placeOrder(db, queue, { shopperId, body: BODY, idempotencyKey: "held", holdSeconds: 5 });
    await expect(placeOrder(db, queue, { shopperId, body: BODY, idempotencyKey: "held" })).rejects.toMatchObject({ status: 409 });
  });

  it("Prefer: wait=0 holds nothing: a replay straight after gets the 202 at once", async () => {
    const { db, queue, newShopperId } = svc();
    const shopperId = await newShopperId();
    const first = await placeOrder(db, queue, { shopperId, body: BODY, idempotencyKey: "no-hold", holdSeconds: 0 });
    const again = await placeOrder(db, queue, { shopperId, body: BODY, idempotencyKey: "no-hold" });
    expect(again).toMatchObject({ kind: "replayed", orderId: first.orderId, status: 202 });
  });
});

describe("placeOrder under concurrency: requests share transactions (group commit)", () => {
  it("20 requests at once are stored in fewer transactions than orders, each answered on its own with its own jobs", async () => {
    const { db, pool, boss, queue, newShopperId } = svc();
    const shoppers = await Promise.all(Array.from({ length: 20 }, () => newShopperId()));
    let results: Awaited<ReturnType<typeof placeOrder>>[] = [];
    const sent = await countRoundTrips(pool, async () => {
      results = await Promise.all(shoppers.map((shopperId, i) => placeOrder(db, queue, { shopperId, body: BODY, idempotencyKey: `group-${i}` })));
    });
    expect(results.map((r) => r.kind)).toEqual(Array(20).fill("created"));
    expect(new Set(results.map((r) => r.orderId)).size).toBe(20);
    const commits = sent.filter((s) => s.toLowerCase() === "commit").length;
    // At most half the pool's worth of groups start alone; everything after waits and goes together.
    expect(commits).toBeLessThan(20);
    expect(sent.length).toBe(commits * 4);
    for (const r of results) expect(await jobsFor(boss, r.orderId)).toBe(2);
  });

  it("in one group, an unknown SKU, a reused key and a repeated key fail alone; the key of the refused request stays free", async () => {
    const { db, queue, newShopperId } = svc();
    const shopperId = await newShopperId();
    await placeOrder(db, queue, { shopperId, body: BODY, idempotencyKey: "used" });
    const other = { items: [{ sku: "GADGET-7", quantity: 1 }], payment_method: "pm_visa_4242" };
    const unknownSku = { items: [{ sku: "NO-SUCH-SKU", quantity: 1 }], payment_method: "pm_visa_4242" };
    // Enough good ones around them that the bad ones share a group with some.
    const good = Array.from({ length: 12 }, (_, i) => placeOrder(db, queue, { shopperId, body: BODY, idempotencyKey: `fine-${i}` }));
    const bad = [
      placeOrder(db, queue, { shopperId, body: unknownSku, idempotencyKey: "refused" }),
      placeOrder(db, queue, { shopperId, body: other, idempotencyKey: "used" }),
      placeOrder(db, queue, { shopperId, body: BODY, idempotencyKey: "twice" }),
      placeOrder(db, queue, { shopperId, body: BODY, idempotencyKey: "twice" }),
    ];
    const [goodResults, badResults] = await Promise.all([Promise.all(good), Promise.allSettled(bad)]);
    expect(goodResults.every((r) => r.kind === "created")).toBe(true);
    expect(badResults[0]).toMatchObject({ status: "rejected", reason: { status: 422, code: "unknown_sku" } });
    expect(badResults[1]).toMatchObject({ status: "rejected", reason: { status: 422, code: "idempotency_key_reused" } });
    const twice = badResults.slice(2);
    expect(twice.filter((r) => r.status === "fulfilled" && r.value.kind === "created")).toHaveLength(1);
    for (const r of twice) if (r.status === "rejected") expect(r.reason).toMatchObject({ status: 409 });
    expect((await placeOrder(db, queue, { shopperId, body: other, idempotencyKey: "refused" })).kind).toBe("created");
    const [stored] = await db.select({ n: count() }).from(orders).where(eq(orders.shopperId, shopperId));
    expect(stored!.n).toBe(1 + 12 + 1 + 1);
  });

  it("a group that fails as a whole is run again member by member, so only the member that broke it fails", async () => {
    const { db, boss, queue, newShopperId } = svc();
    const [badShopper, ...goodShoppers] = await Promise.all(Array.from({ length: 10 }, () => newShopperId()));
    // No foldAdvance: the insert, then advance per order, which fails for one shopper's order.
    const failingForOne: StepQueue = {
      advance: async (tx, from, outcome, ctx) => {
        if (ctx.order?.shopperId === badShopper) throw new Error("this order breaks the group");
        return queue.advance(tx, from, outcome, ctx);
      },
      withdrawWaiting: queue.withdrawWaiting,
      advanceAlongside: queue.advanceAlongside,
    };
    // Last, so it waits for a slot and shares a group with the others that waited.
    const all = [...goodShoppers, badShopper!].map((shopperId) => placeOrder(db, failingForOne, { shopperId, body: BODY, idempotencyKey: "k" }));
    const results = await Promise.allSettled(all);
    expect(results.at(-1)).toMatchObject({ status: "rejected", reason: { message: "this order breaks the group" } });
    for (const r of results.slice(0, -1)) {
      expect(r.status).toBe("fulfilled");
      if (r.status === "fulfilled") expect(await jobsFor(boss, r.value.orderId)).toBe(2);
    }
    const [left] = await db.select({ n: count() }).from(orders).where(eq(orders.shopperId, badShopper!));
    expect(left!.n).toBe(0);
  });
});
