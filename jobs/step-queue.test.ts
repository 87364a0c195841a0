import { eq, sql } from "drizzle-orm";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { orders, type Order } from "@/server/db/schema";
import { transitionOrder } from "@/server/orders/order-state-machine";
import { placeOrder } from "@/server/orders/place-order";
import { newId } from "@/server/ids";
import type { Outcome, StepName } from "@/server/pipeline/steps";
import { useServiceDatabase } from "@/tests/support/service-database";

const svc = useServiceDatabase();

// The columns a job's behaviour depends on, with its times relative to its creation.
const JOB_SHAPE = `name, data - 'orderId' AS data, priority, state, retry_limit, retry_delay, retry_backoff, retry_delay_max,
  expire_seconds, deletion_seconds, singleton_key, singleton_on, group_id, group_tier, policy, dead_letter, heartbeat_seconds,
  blocked, blocking, pending_dependencies, extract(epoch FROM start_after - created_on)::int AS delay_s,
  extract(epoch FROM keep_until - start_after)::int AS retention_s`;

async function jobsOf(orderId: string) {
  const { db } = svc();
  const { rows } = await db.execute(sql.raw(`SELECT ${JOB_SHAPE} FROM pgboss.job WHERE data->>'orderId' = '${orderId}' ORDER BY name`));
  return rows;
}

async function folded<S extends StepName>(from: S, outcome: Outcome<S>, orderId: string): Promise<number> {
  const { db, queue } = svc();
  const jobs = queue.foldAdvance!(from, outcome, [{ order: { id: orderId } as Order }]);
  const { rows } = await db.execute<{ inserted: number }>(sql`WITH ${jobs.ctes} SELECT ${jobs.inserted} AS inserted`);
  return rows[0]!.inserted;
}

async function sent<S extends StepName>(from: S, outcome: Outcome<S>, orderId: string): Promise<void> {
  const { db, queue } = svc();
  await db.transaction((tx) => queue.advance(tx, from, outcome, { order: { id: orderId } as Order }));
}

/** A channel listener on pg-boss's wake-up channel: what it heard once `run` committed. */
async function wakeUpsOf(run: () => Promise<unknown>): Promise<string[]> {
  const listener = new pg.Client({ connectionString: svc().url });
  await listener.connect();
  try {
    const { rows } = await listener.query<{ channel: string }>(`SELECT 'pgboss_' || left(encode(sha224('pgboss'::bytea), 'hex'), 24) AS channel`);
    await listener.query(`LISTEN ${rows[0]!.channel}`);
    const woken: string[] = [];
    listener.on("notification", (n) => woken.push(n.payload ?? ""));
    await run();
    // A round trip on the listener's connection delivers every NOTIFY committed before it.
    await listener.query("SELECT 1");
    return woken.sort();
  } finally {
    await listener.end();
  }
}

describe("folding a step's jobs into the caller's statement", () => {
  it("stores exactly the rows pg-boss's send stores, immediate and delayed, under the same deterministic ids", async () => {
    const [immediateSend, immediateFold, delayedSend, delayedFold] = [newId("ord"), newId("ord"), newId("ord"), newId("ord")];
    await sent("placeOrder", "placed", immediateSend);
    expect(await folded("placeOrder", "placed", immediateFold)).toBe(2);
    expect(await jobsOf(immediateFold)).toEqual(await jobsOf(immediateSend));
    await sent("chargePayment", "requested", delayedSend);
    expect(await folded("chargePayment", "requested", delayedFold)).toBe(1);
    expect(await jobsOf(delayedFold)).toEqual(await jobsOf(delayedSend));
    expect((await jobsOf(delayedFold))[0]).toMatchObject({ name: "reconcilePayment", delay_s: 300 });
  });

  it("a second fold of the same outcome inserts nothing (the ids dedupe it, as send's do)", async () => {
    const orderId = newId("ord");
    await sent("placeOrder", "placed", orderId);
    expect(await folded("placeOrder", "placed", orderId)).toBe(0);
    expect(await jobsOf(orderId)).toHaveLength(2);
  });

  it("wakes workers with one NOTIFY per queue that got a runnable job, and none for a delayed one", async () => {
    const woken = await wakeUpsOf(async () => {
      await folded("placeOrder", "placed", newId("ord"));
      await folded("chargePayment", "requested", newId("ord"));
    });
    expect(woken).toEqual(["chargePayment", "reserveStock"]);
  });
});

describe("a step's jobs written alongside its transition (decision 060)", () => {
  /** A stored order in `status` (its own intake jobs aside). */
  async function storedOrder(status: Order["status"], set: Partial<Order> = {}): Promise<Order> {
    const { db, queue, newShopperId } = svc();
    const { orderId } = await placeOrder(db, queue, { shopperId: await newShopperId(), body: { items: [{ sku: "GADGET-7", quantity: 1 }], payment_method: "pm_visa_4242" } });
    const [order] = await db.update(orders).set({ status, ...set }).where(eq(orders.id, orderId)).returning();
    return order!;
  }

  const step = (name: string) => async (orderId: string) => (await jobsOf(orderId)).filter((job) => job.name === name);

  it("stores the rows send() stores, only when the order moves, and wakes the queue once", async () => {
    const { db, queue } = svc();
    const [moving, bySend, stuck] = [await storedOrder("payment_confirmed", { paymentState: "completed", stockState: "reserved" }), newId("ord"), await storedOrder("shipped")];
    await db.transaction((tx) => queue.advance(tx, "createInvoice", "confirmed", { order: { id: bySend } as Order }));
    const move = (order: Order) => transitionOrder(db, order.id, "confirmed", { alongside: queue.advanceAlongside("createInvoice", "confirmed", { order: { ...order, status: "confirmed" } }) });

    const woken = await wakeUpsOf(async () => {
      expect(await move(moving)).not.toBeNull();
      expect(await move(stuck)).toBeNull();
    });
    expect(woken).toEqual(["createShipment"]);
    const shipment = step("createShipment");
    expect(await shipment(moving.id)).toEqual(await shipment(bySend));
    expect(await shipment(moving.id)).toHaveLength(1);
    expect(await shipment(stuck.id)).toEqual([]);
    // Run again, the move is refused and its job is not written twice.
    expect(await move(moving)).toBeNull();
    expect(await shipment(moving.id)).toHaveLength(1);
  });

  it("a delayed job is stored with its delay and wakes nobody", async () => {
    const { db, queue } = svc();
    const order = await storedOrder("pending", { paymentState: "processing" });
    const woken = await wakeUpsOf(() =>
      transitionOrder(db, order.id, "payment_processing", { alongside: queue.advanceAlongside("chargePayment", "requested", { order: { ...order, status: "payment_processing" }, attempt: 0 }) }),
    );
    expect(woken).toEqual([]);
    expect(await step("reconcilePayment")(order.id)).toMatchObject([{ name: "reconcilePayment", delay_s: 300 }]);
  });

  it("an outcome with no next job writes nothing alongside", () => {
    expect(svc().queue.advanceAlongside("createShipment", "shipped", { order: { id: newId("ord") } as Order })).toEqual([]);
  });
});
