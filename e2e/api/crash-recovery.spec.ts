import { expect, test } from "../support/fixtures";
import { and, count, countDistinct, eq, inArray } from "drizzle-orm";
import { FINAL_STATUSES } from "@/lib/order-state";
import { mailbox, simCharges } from "@/server/db/schema";
import { postOrder } from "../support/api";
import { activeJobs, countInStatus, statusHistogram } from "../support/db";

// Supervision every 2 s and a 10 s job heartbeat: a dead worker's jobs come back within ~15 s.
test.use({ stackEnv: { JOB_SUPERVISE_SECONDS: "2", JOB_HEARTBEAT_SECONDS: "10", WORKER_CONCURRENCY: "8" } });

const ORDERS = 200;
const BATCH = 25;

test("a worker killed with SIGKILL mid-flight is restarted, and all 200 in-flight orders ship, each charged and confirmed exactly once", async ({ stack }) => {
  test.setTimeout(180_000);
  // Slow enough third parties that the worker is holding provider calls when it dies.
  await stack.setDownstream("payment", { baseLatencyMs: 150 });
  await stack.setDownstream("email", { baseLatencyMs: 150 });

  const shoppers = await Promise.all(Array.from({ length: 8 }, () => stack.newShopper()));
  const orderIds: string[] = [];
  for (let start = 0; start < ORDERS; start += BATCH) {
    const batch = await Promise.all(
      Array.from({ length: BATCH }, (_, i) =>
        postOrder(stack, shoppers[(start + i) % shoppers.length]!, { items: [{ sku: "WIDGET-42", quantity: 1 }], payment_method: "pm_visa_4242" }),
      ),
    );
    for (const response of batch) {
      expect(response.status, JSON.stringify(response.body)).toBe(202);
      orderIds.push(response.body.order_id);
    }
  }

  const worker = stack.processes.children.get("worker-1")!;
  await expect.poll(() => activeJobs(stack)).toBeGreaterThanOrEqual(8);
  const beforeKill = (await stack.pool.query<{ at: Date }>("SELECT clock_timestamp() AS at")).rows[0]!.at;
  worker.kill("SIGKILL");
  const killedAt = Date.now();
  await expect.poll(() => worker.signalCode).toBe("SIGKILL");

  // Jobs the dead worker had started stay `active` until the heartbeat monitor fails them back
  // to the queue; only the dead worker can have started a job before the kill.
  // (A job is identified by queue and id: order.created fans out to two queues under one id.)
  const orphaned = await stack.pool.query<{ name: string; id: string }>(
    "SELECT name, id FROM pgboss.job WHERE state = 'active' AND started_on < $1",
    [beforeKill],
  );
  expect(orphaned.rows.length).toBeGreaterThan(0);
  expect(await countInStatus(stack, orderIds, [...FINAL_STATUSES])).toBeLessThan(ORDERS);

  // The launcher's supervisor brings worker-1 back on its own.
  await expect
    .poll(() => stack.processes.children.get("worker-1")?.pid, { timeout: 30_000 })
    .toEqual(expect.any(Number));
  expect(stack.processes.children.get("worker-1")!.pid).not.toBe(worker.pid);

  await expect.poll(() => countInStatus(stack, orderIds, [...FINAL_STATUSES]), { timeout: 150_000, intervals: [500] }).toBe(ORDERS);
  test.info().annotations.push({ type: "recovery", description: `all ${ORDERS} orders final ${Date.now() - killedAt} ms after the kill` });
  expect(await statusHistogram(stack, orderIds)).toEqual({ shipped: ORDERS });

  // Every job the dead worker held is retried to completion. A job whose work had committed
  // just before the kill lets its order move on, yet its retry still runs later (as a no-op),
  // after its backoff — so this waits for it rather than expecting it already done.
  const orphanStates = async () =>
    (
      await stack.pool.query<{ state: string; retry_count: number }>(
        "SELECT state, retry_count FROM pgboss.job WHERE (name, id) IN (SELECT * FROM unnest($1::text[], $2::uuid[]))",
        [orphaned.rows.map((r) => r.name), orphaned.rows.map((r) => r.id)],
      )
    ).rows;
  await expect.poll(async () => (await orphanStates()).filter((job) => job.state !== "completed").length, { timeout: 60_000 }).toBe(0);
  const orphans = await orphanStates();
  expect(orphans).toHaveLength(orphaned.rows.length);
  for (const job of orphans) expect(job.retry_count).toBeGreaterThanOrEqual(1);

  // One charge per order at the provider, however often a retried job asked for it.
  const [charges] = await stack
    .db.select({ rows: count(), orders: countDistinct(simCharges.orderId) })
    .from(simCharges)
    .where(inArray(simCharges.orderId, orderIds));
  expect(charges).toEqual({ rows: ORDERS, orders: ORDERS });

  const confirmations = await stack
    .db.select({ orderId: mailbox.orderId, n: count() })
    .from(mailbox)
    .where(and(eq(mailbox.template, "confirmation"), inArray(mailbox.orderId, orderIds)))
    .groupBy(mailbox.orderId);
  expect(confirmations).toHaveLength(ORDERS);
  expect(confirmations.filter((c) => c.n !== 1)).toEqual([]);
});

test("a worker stopped with SIGTERM finishes the jobs it holds before it exits", async ({ stack }) => {
  // A slow email service keeps the invoice-and-confirmation job running while the worker is told to stop.
  await stack.setDownstream("payment", { baseLatencyMs: 2 });
  await stack.setDownstream("email", { baseLatencyMs: 3000 });
  try {
    const shopper = await stack.newShopper();
    const placed = await postOrder(stack, shopper, { items: [{ sku: "WIDGET-42", quantity: 1 }], payment_method: "pm_visa_4242" });
    expect(placed.status).toBe(202);
    const orderId: string = placed.body.order_id;

    const confirmationJob = async () =>
      (
        await stack.pool.query<{ id: string; state: string }>(
          "SELECT id, state FROM pgboss.job WHERE name = 'createInvoice' AND data->>'orderId' = $1",
          [orderId],
        )
      ).rows[0];
    await expect.poll(async () => (await confirmationJob())?.state, { timeout: 30_000 }).toBe("active");

    const worker = stack.processes.children.get("worker-1")!;
    const exited = new Promise<number | null>((resolve) => worker.once("exit", (code) => resolve(code)));
    worker.kill("SIGTERM");
    expect(await exited).toBe(0);

    // The job was finished by the worker that held it, not abandoned and retried.
    const job = (await stack.pool.query<{ state: string; retry_count: number }>(
      "SELECT state, retry_count FROM pgboss.job WHERE name = 'createInvoice' AND data->>'orderId' = $1",
      [orderId],
    )).rows[0]!;
    expect(job).toEqual({ state: "completed", retry_count: 0 });
    const [mail] = await stack.db.select({ n: count() }).from(mailbox).where(and(eq(mailbox.orderId, orderId), eq(mailbox.template, "confirmation")));
    expect(mail!.n).toBe(1);

    // The supervisor starts a fresh worker, which ships the order.
    await expect.poll(async () => (await statusHistogram(stack, [orderId])).shipped ?? 0, { timeout: 30_000 }).toBe(1);
  } finally {
    await stack.setDownstream("email", { baseLatencyMs: 2 });
  }
});
