/**
 * The pipeline behind intake, timed from the order_events log: every status change is
 * stamped by the database (clock_timestamp()), so latencies are exact and free of the
 * client's polling interval.
 */
import type pg from "pg";
import { setTimeout as sleep } from "node:timers/promises";
import { isFinalStatus, type OrderStatus } from "@/lib/order-state";
import { closedLoop, openLoop, orderClient, percentile, type OrderResponse } from "./load";

export type LatencyResult = { confirmed_p50: number; confirmed_p99: number; shipped_p50: number; shipped_p99: number };
export type StepLatency = { status: string; p50_ms: number; p99_ms: number };
export type ThroughputResult = { orders: number; shipped_per_s: number };

type Target = { baseUrl: string; pool: pg.Pool; apiKeys: string[] };

// Generous: the machine may be busy with more than the benchmark; a large burst gets more.
const SHIP_TIMEOUT_MS = 120_000;
const SHIP_TIMEOUT_PER_ORDER_MS = 100;

/**
 * Places `count` orders at `perSecond` (open loop, slow enough that nothing queues) and
 * waits until all have shipped. Returns accept→confirmed / accept→shipped percentiles and
 * the time each step took (from the previous event), to show where the time goes.
 */
export async function measurePipelineLatency(target: Target, count: number, perSecond: number) {
  const orderIds = await placePaced(target, count, perSecond);
  await waitUntilShipped(target.pool, orderIds);
  const { rows } = await target.pool.query<{ confirmed_ms: number; shipped_ms: number }>(
    `SELECT (extract(epoch FROM max(created_at) FILTER (WHERE status = 'confirmed') - min(created_at) FILTER (WHERE status = 'pending')) * 1000)::float8 AS confirmed_ms,
            (extract(epoch FROM max(created_at) FILTER (WHERE status = 'shipped') - min(created_at) FILTER (WHERE status = 'pending')) * 1000)::float8 AS shipped_ms
       FROM order_events WHERE order_id = ANY($1) GROUP BY order_id`,
    [orderIds],
  );
  const confirmed = rows.map((r) => r.confirmed_ms);
  const shipped = rows.map((r) => r.shipped_ms);
  const latency: LatencyResult = {
    confirmed_p50: percentile(confirmed, 50),
    confirmed_p99: percentile(confirmed, 99),
    shipped_p50: percentile(shipped, 50),
    shipped_p99: percentile(shipped, 99),
  };
  return { latency, steps: await stepLatencies(target.pool, orderIds) };
}

/** For each status: time since the order's previous event, in the order the pipeline reaches them. */
async function stepLatencies(pool: pg.Pool, orderIds: string[]): Promise<StepLatency[]> {
  const { rows } = await pool.query<{ status: string; ms: number }>(
    `SELECT status, ms FROM (
       SELECT seq, status, (extract(epoch FROM created_at - lag(created_at) OVER (PARTITION BY order_id ORDER BY seq)) * 1000)::float8 AS ms
         FROM order_events WHERE order_id = ANY($1)) steps
      WHERE ms IS NOT NULL ORDER BY seq`,
    [orderIds],
  );
  const byStatus = new Map<string, number[]>();
  for (const { status, ms } of rows) {
    const samples = byStatus.get(status) ?? [];
    samples.push(ms);
    byStatus.set(status, samples);
  }
  return [...byStatus].map(([status, samples]) => ({ status, p50_ms: percentile(samples, 50), p99_ms: percentile(samples, 99) }));
}

/**
 * Accepts `count` orders as fast as the API takes them (one closed-loop client per API key)
 * and waits until all have shipped: shipped/s = count / (last shipped − first accepted).
 */
export async function measurePipelineThroughput(target: Target, count: number): Promise<ThroughputResult> {
  const orderIds = await placeBurst(target, count);
  await waitUntilShipped(target.pool, orderIds);
  const { rows } = await target.pool.query<{ seconds: number }>(
    `SELECT extract(epoch FROM max(created_at) FILTER (WHERE status = 'shipped') - min(created_at) FILTER (WHERE status = 'pending'))::float8 AS seconds
       FROM order_events WHERE order_id = ANY($1)`,
    [orderIds],
  );
  return { orders: orderIds.length, shipped_per_s: orderIds.length / rows[0]!.seconds };
}

/** Places `count` orders as fast as the API takes them, one closed-loop client per API key; returns their ids. */
export async function placeBurst(target: Target, count: number): Promise<string[]> {
  const client = orderClient(target.baseUrl, target.apiKeys.length);
  const responses: OrderResponse[] = [];
  let sent = 0;
  try {
    await closedLoop(target.apiKeys.length, () => sent >= count, async (i) => {
      sent++;
      responses.push(await client.place(target.apiKeys[i]!));
    });
  } finally {
    client.close();
  }
  return acceptedOrderIds(responses);
}

/** Jobs of the pipeline not yet done (queued, retrying or running): a backlog above zero means the pipeline is busy. */
/**
 * The intake phases leave thousands of queued jobs (no worker ran, or the workers were
 * outpaced). Working them off would take minutes and would skew the phases after, so they
 * are deleted — the benchmark's database is dropped at the end anyway.
 */
export async function discardQueuedJobs(pool: pg.Pool): Promise<number> {
  const { rowCount } = await pool.query("DELETE FROM pgboss.job WHERE state IN ('created', 'retry')");
  return rowCount ?? 0;
}

export async function pipelineBacklog(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pgboss.job WHERE state IN ('created', 'retry', 'active') AND name NOT LIKE '%.dead'",
  );
  return rows[0]!.n;
}

/** Places orders at a steady rate, shoppers in turn; returns the ids of those accepted (202). */
export async function placePaced(target: Target, count: number, perSecond: number): Promise<string[]> {
  const client = orderClient(target.baseUrl, target.apiKeys.length);
  try {
    const responses = await openLoop(count, perSecond, (i) => client.place(target.apiKeys[i % target.apiKeys.length]!));
    return acceptedOrderIds(responses);
  } finally {
    client.close();
  }
}

/** The pipeline figures are about a known set of orders; any refusal is a fault to look into, not a figure. */
function acceptedOrderIds(responses: OrderResponse[]): string[] {
  const orderIds = responses.flatMap((r) => (r.orderId ? [r.orderId] : []));
  if (orderIds.length < responses.length) {
    const statuses = new Map<number, number>();
    for (const { status } of responses) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    const summary = [...statuses].map(([status, n]) => `${n} × ${status || "no answer"}`).join(", ");
    throw new Error(`Only ${orderIds.length} of ${responses.length} orders were accepted (${summary}); run with BENCH_LOGS=1 to see why.`);
  }
  return orderIds;
}

/** Polls until every order has shipped; fails at once if one ends otherwise, or after SHIP_TIMEOUT_MS. */
export async function waitUntilShipped(pool: pg.Pool, orderIds: string[]): Promise<void> {
  const timeoutMs = SHIP_TIMEOUT_MS + orderIds.length * SHIP_TIMEOUT_PER_ORDER_MS;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query<{ status: OrderStatus; n: number }>(
      "SELECT status, count(*)::int AS n FROM orders WHERE id = ANY($1) GROUP BY status",
      [orderIds],
    );
    const counts = new Map(rows.map((r) => [r.status, r.n]));
    if ((counts.get("shipped") ?? 0) === orderIds.length) return;
    const summary = rows.map((r) => `${r.status} ${r.n}`).join(", ");
    const stuck = rows.filter((r) => r.status !== "shipped" && isFinalStatus(r.status));
    if (stuck.length > 0) throw new Error(`Orders ended without shipping (${summary}); the pipeline is failing, not slow.`);
    if (Date.now() > deadline) {
      throw new Error(
        `Only ${counts.get("shipped") ?? 0} of ${orderIds.length} orders shipped within ${timeoutMs / 1000} s (${summary}). ` +
          "Run with BENCH_LOGS=1 to see the app's output.",
      );
    }
    await sleep(200);
  }
}
