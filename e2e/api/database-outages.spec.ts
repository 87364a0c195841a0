import { expect, startFromCleanShop, test } from "../support/fixtures";
import { count, inArray, like } from "drizzle-orm";
import pg from "pg";
import { orders, simCharges } from "@/server/db/schema";
import { adminUrl } from "@/tests/support/test-postgres";
import { expectErrorBody, postOrder, TWO_WIDGETS } from "../support/api";
import { countInStatus, statusHistogram } from "../support/db";
import { type Stack } from "../support/stack";

// Jobs cut off mid-step are retried within seconds (a second apart).
startFromCleanShop("outageRetries");

/** A connection to the server's maintenance database: it survives what is done to the stack's. */
async function withAdmin<T>(stack: Stack, fn: (admin: pg.Client, database: string) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    return await fn(admin, new URL(stack.databaseUrl).pathname.slice(1));
  } finally {
    await admin.end();
  }
}

const terminateAll = (admin: pg.Client, database: string) =>
  admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [database]);

function pidsOf(s: Stack): { web?: number; worker?: number } {
  return { web: s.processes.children.get("web")?.pid, worker: s.processes.children.get("worker-1")?.pid };
}

type Answer = { paymentMethod: string; status: number; body: Record<string, any>; retryAfter: string | null };

test("connections killed under Prefer: wait traffic: every stored order was answered 202/201, every error is a 503 with nothing stored; web and worker survive and every order ships", async ({ stack }) => {
  test.setTimeout(180_000);
  const before = pidsOf(stack);
  const shoppers = await Promise.all(Array.from({ length: 4 }, () => stack.newShopper()));
  const answers: Answer[] = [];
  let placing = true;
  let sent = 0;
  // Eight clients post without an Idempotency-Key, each order marked by its own payment method
  // (any pm_… is approved), so an order in the database can be matched to the answer it got.
  const client = async (c: number) => {
    while (placing) {
      const paymentMethod = `pm_dbcut_${c}_${sent++}`;
      try {
        const answer = await postOrder(stack, shoppers[c % shoppers.length]!, { ...TWO_WIDGETS, payment_method: paymentMethod }, { Prefer: "wait=5" });
        answers.push({ paymentMethod, status: answer.status, body: answer.body, retryAfter: answer.headers.get("retry-after") });
      } catch (err) {
        // No answer at all (a reused keep-alive socket the server had just closed): recorded as
        // status 0, so an order stored without any answer still fails the checks below.
        answers.push({ paymentMethod, status: 0, body: { error: String((err as Error).cause ?? err) }, retryAfter: null });
      }
    }
  };
  const clients = Array.from({ length: 8 }, (_, c) => client(c));

  // Cut every connection of the stack's database, again and again, while requests are in
  // flight: some die inside the intake transaction, some after its commit, while waiting.
  await withAdmin(stack, async (admin, database) => {
    await expect.poll(() => answers.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(8);
    // Rounds of cuts, each once a request has been answered since the last (whatever the
    // machine's speed, requests get through between cuts), until 100 more have been answered.
    const until = answers.length + 100;
    while (answers.length < until) {
      const answered = answers.length;
      await terminateAll(admin, database);
      await expect.poll(() => answers.length, { timeout: 30_000, intervals: [10] }).toBeGreaterThan(answered);
    }
  });
  placing = false;
  await Promise.all(clients);

  const byStatus = answers.reduce<Record<number, number>>((acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }), {});
  test.info().annotations.push({ type: "answers", description: JSON.stringify(byStatus) });
  for (const answer of answers.filter((a) => a.status !== 0)) {
    expect([201, 202, 503], JSON.stringify(answer)).toContain(answer.status);
    if (answer.status === 503) {
      expectErrorBody(answer.body, "database_unavailable");
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    }
  }

  const stored = await stack.db.select({ id: orders.id, paymentMethod: orders.paymentMethod }).from(orders).where(like(orders.paymentMethod, "pm_dbcut_%"));
  const answerFor = new Map(answers.map((a) => [a.paymentMethod, a]));
  const storedButNotAccepted = stored.filter((o) => ![201, 202].includes(answerFor.get(o.paymentMethod)?.status ?? 0));
  expect(storedButNotAccepted, "orders stored although their answer said nothing was written (or never came)").toEqual([]);
  for (const order of stored) expect(answerFor.get(order.paymentMethod)?.body.order_id).toBe(order.id);
  expect(stored).toHaveLength(answers.filter((a) => a.status === 201 || a.status === 202).length);

  // Neither process died of a connection that vanished under it.
  expect(pidsOf(stack)).toEqual(before);

  const orderIds = stored.map((o) => o.id);
  await expect.poll(() => countInStatus(stack, orderIds, ["shipped"]), { timeout: 120_000, intervals: [500] }).toBe(orderIds.length);
  const [charges] = await stack.db.select({ n: count() }).from(simCharges).where(inArray(simCharges.orderId, orderIds));
  expect(charges!.n).toBe(orderIds.length);
});

test("the database goes away after the order committed, while the request waits (Prefer: wait): the answer is the 202 it owes, not an error", async ({ stack, shopper }) => {
  // Warm the web's pools (its own and pg-boss's) with orders: their open connections keep working
  // when the database stops accepting new ones.
  const warmUp = await Promise.all(Array.from({ length: 5 }, () => postOrder(stack, shopper)));
  expect(warmUp.map((a) => a.status)).toEqual(Array(5).fill(202));
  const answers = await withAdmin(stack, async (admin, database) => {
    await admin.query(`ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS false`);
    try {
      // The live-status listener is cut and cannot reconnect: the orders commit, then waiting fails.
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'conveyor-order-events'", [database]);
      return await Promise.all(
        Array.from({ length: 5 }, (_, i) => postOrder(stack, shopper, { ...TWO_WIDGETS, payment_method: `pm_waitcut_${i}` }, { Prefer: "wait=5" })),
      );
    } finally {
      await admin.query(`ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS true`);
    }
  });
  const stored = await stack.db.select({ id: orders.id, paymentMethod: orders.paymentMethod }).from(orders).where(like(orders.paymentMethod, "pm_waitcut_%"));
  expect(stored.length).toBeGreaterThan(0);
  for (const order of stored) {
    const answer = answers[Number(order.paymentMethod.slice("pm_waitcut_".length))]!;
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    expect(answer.body).toEqual({ order_id: order.id, status: "pending", status_url: `/api/orders/${order.id}` });
  }
  for (const answer of answers.filter((a) => a.status !== 202)) expectErrorBody(answer.body, "database_unavailable");
  await expect.poll(() => countInStatus(stack, stored.map((o) => o.id), ["shipped"]), { timeout: 60_000, intervals: [500] }).toBe(stored.length);
});

test("the database refusing connections for a while (a restart): the worker survives and resumes the pipeline once it is back", async ({ stack }) => {
  test.setTimeout(180_000);
  const before = pidsOf(stack);
  const shopper = await stack.newShopper();
  // A slow carrier keeps shipments running when the database goes away.
  await stack.setDownstream("carrier", { baseLatencyMs: 1500 });
  const inFlight: string[] = [];
  for (let i = 0; i < 4; i++) inFlight.push((await postOrder(stack, shopper)).body.order_id as string);
  await expect.poll(() => countInStatus(stack, inFlight, ["confirmed"]), { timeout: 30_000 }).toBeGreaterThan(0);

  await withAdmin(stack, async (admin, database) => {
    await admin.query(`ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS false`);
    try {
      await terminateAll(admin, database);
      await expect.poll(async () => (await fetch(`${stack.baseURL}/api/health`)).status, { timeout: 30_000 }).toBe(503);
      const refused = await postOrder(stack, shopper);
      expect(refused.status).toBe(503);
      expectErrorBody(refused.body, "database_unavailable");
      // Whatever reconnected meanwhile is cut again before the database comes back.
      await terminateAll(admin, database);
    } finally {
      await admin.query(`ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS true`);
    }
  });
  await stack.setDownstream("carrier", { baseLatencyMs: 0 });

  await expect.poll(async () => (await fetch(`${stack.baseURL}/api/health`)).status, { timeout: 60_000 }).toBe(200);
  expect(pidsOf(stack)).toEqual(before);
  const after = await postOrder(stack, shopper);
  expect(after.status).toBe(202);
  const orderIds = [...inFlight, after.body.order_id as string];
  await expect.poll(() => countInStatus(stack, orderIds, ["shipped"]), { timeout: 90_000, intervals: [500] }).toBe(orderIds.length);
  expect(await statusHistogram(stack, orderIds)).toEqual({ shipped: orderIds.length });
});
