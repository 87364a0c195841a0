/**
 * The overview's rollups (migration 0006, decision 018) against the history they summarise,
 * on a real Postgres: exact status counts after transitions, re-runs and rollbacks; exact
 * throughput and histogram percentiles within their stated accuracy across windows; the
 * fold and the migration's backfill change no figure.
 */
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ORDER_STATUSES, type OrderStatus } from "@/lib/order-state";
import { placeOrder } from "@/server/orders/place-order";
import { transitionOrder } from "@/server/orders/order-state-machine";
import { useServiceDatabase } from "@/tests/support/service-database";
import { getOverview } from "./get-overview";
import { bucketOf, emptyHistogram, quantile } from "./latency-histogram";

const svc = useServiceDatabase();

/** The exact per-status counts, read the slow way from orders. */
async function exactCounts(): Promise<Record<OrderStatus, number>> {
  const { rows } = await svc().pool.query<{ status: OrderStatus; n: number }>(
    "SELECT status, count(*)::int AS n FROM orders WHERE lab_run_id IS NULL GROUP BY status",
  );
  const counts = new Map(rows.map((r) => [r.status, r.n]));
  return Object.fromEntries(ORDER_STATUSES.map((s) => [s, counts.get(s) ?? 0])) as Record<OrderStatus, number>;
}

async function rolledUpCounts(): Promise<Record<OrderStatus, number>> {
  return (await getOverview(svc().db, svc().pipeline, "15m")).statusCounts;
}

async function place(): Promise<string> {
  const { db, queue, newShopperId } = svc();
  const shopperId = await newShopperId();
  return (await placeOrder(db, queue, { shopperId, body: { items: [{ sku: "WIDGET-42", quantity: 1 }], payment_method: "pm_visa_4242" } })).orderId;
}

const move = (orderId: string, to: OrderStatus) => svc().db.transaction((tx) => transitionOrder(tx, orderId, to));

/** Orders accepted `agoMinutes` ago and confirmed `latencyMs` later, written as the bench does (through the triggers). */
async function insertHistory(count: number, agoMinutes: number, latencyMs: (i: number) => number): Promise<number[]> {
  const latencies = Array.from({ length: count }, (_, i) => latencyMs(i));
  await svc().pool.query(
    `WITH o AS (
       INSERT INTO orders (id, shopper_id, status, payment_method, total_cents, created_at)
       SELECT 'ord_rollup' || $1::int || '_' || i, (SELECT id FROM shoppers LIMIT 1), 'confirmed', 'pm_visa_4242', 100,
              date_trunc('minute', now()) - make_interval(mins => $1::int) + interval '5 seconds'
         FROM generate_series(1, $2::int) i
       RETURNING id, created_at)
     INSERT INTO order_events (id, order_id, status, created_at)
     SELECT 'evt_' || o.id, o.id, 'confirmed', o.created_at + make_interval(secs => l.ms / 1000.0)
       FROM o JOIN unnest($3::float8[]) WITH ORDINALITY AS l(ms, i) ON o.id = 'ord_rollup' || $1::int || '_' || l.i`,
    [agoMinutes, count, latencies],
  );
  return latencies;
}

const exactQuantile = (values: readonly number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
};

describe("latency histogram", () => {
  it("puts a latency in the same bucket as the SQL function does", async () => {
    const samples = [0, 0.4, 1.1, 3, 7.5, 42, 99.9, 250, 1234.5, 60_000, 10_000_000];
    const { rows } = await svc().pool.query<{ b: number }[]>(
      "SELECT admin_latency_bucket(ms) - 1 AS b FROM unnest($1::float8[]) WITH ORDINALITY AS t(ms, i) ORDER BY i",
      [samples],
    );
    expect(rows.map((r) => (r as unknown as { b: number }).b)).toEqual(samples.map(bucketOf));
  });

  it("reads percentiles within 19 % of the exact ones", () => {
    // A spread of latencies from 3 ms to ~30 s, shaped like a long tail.
    const values = Array.from({ length: 5000 }, (_, i) => 3 * Math.exp((i / 5000) ** 2 * 9.2));
    const histogram = emptyHistogram();
    for (const v of values) histogram[bucketOf(v)]! += 1;
    for (const q of [0.5, 0.95, 0.99]) {
      const estimate = quantile(histogram, q)!;
      const exact = exactQuantile(values, q);
      expect(Math.abs(estimate - exact) / exact, `q=${q}: ${estimate} vs ${exact}`).toBeLessThan(0.19);
    }
  });
});

describe("admin rollups", () => {
  it("status counts stay exact through a transition sequence, its re-run and a rolled-back transaction", async () => {
    const a = await place();
    const b = await place();
    expect(await rolledUpCounts()).toEqual(await exactCounts());

    for (const to of ["payment_processing", "payment_confirmed", "confirmed", "shipped"] as const) await move(a, to);
    await move(b, "payment_processing");
    await move(b, "cancelled");
    const after = await exactCounts();
    expect(await rolledUpCounts()).toEqual(after);
    expect(after.shipped).toBeGreaterThan(0);

    // At-least-once delivery: every transition again changes nothing, and counts nothing.
    for (const to of ["payment_processing", "payment_confirmed", "confirmed", "shipped", "cancelled"] as const) {
      expect(await move(a, to)).toBeNull();
      expect(await move(b, to)).toBeNull();
    }
    expect(await rolledUpCounts()).toEqual(after);

    // A transaction that dies after its transition (a crash before commit) leaves no trace.
    const c = await place();
    await expect(
      svc().db.transaction(async (tx) => {
        await transitionOrder(tx, c, "payment_processing");
        throw new Error("crash");
      }),
    ).rejects.toThrow("crash");
    expect(await rolledUpCounts()).toEqual(await exactCounts());
  });

  it("concurrent transitions over many connections (so many shards), each delivered twice, count exactly", async () => {
    const ids = await Promise.all(Array.from({ length: 30 }, () => place()));
    for (const to of ["payment_processing", "payment_confirmed", "confirmed"] as const) {
      const moved = await Promise.all([...ids, ...ids].map((id) => move(id, to)));
      expect(moved.filter(Boolean)).toHaveLength(ids.length);
    }
    expect(await rolledUpCounts()).toEqual(await exactCounts());
    const shards = await svc().pool.query("SELECT count(DISTINCT shard)::int AS n FROM admin_status_counts WHERE status = 'confirmed'");
    expect(shards.rows[0].n).toBeGreaterThan(1);
  });

  it("a confirmation is counted once, in its minute, with its latency", async () => {
    const id = await place();
    const before = await getOverview(svc().db, svc().pipeline, "5m");
    await move(id, "payment_processing");
    await move(id, "payment_confirmed");
    await move(id, "confirmed");
    await move(id, "confirmed");
    const after = await getOverview(svc().db, svc().pipeline, "5m");
    const confirmedIn = (o: typeof after) => o.series.reduce((sum, p) => sum + p.confirmed, 0);
    expect(confirmedIn(after) - confirmedIn(before)).toBe(1);
    expect(after.throughputPerMinute.confirmed * 5 - before.throughputPerMinute.confirmed * 5).toBeCloseTo(1);
    expect(after.acceptToConfirmedMs.p50).not.toBeNull();
  });

  it("each window sums its own minutes: figures match the history across 15 min, 1 h and 24 h", async () => {
    await insertHistory(200, 3, (i) => 50 + i * 7);
    await insertHistory(300, 40, (i) => 2000 + i * 31);
    await insertHistory(100, 600, () => 90_000);
    const exactWindow = async (minutes: number) => {
      const { rows } = await svc().pool.query<{ accepted: number; confirmed: number }>(
        `SELECT (SELECT count(*)::int FROM orders WHERE lab_run_id IS NULL AND created_at >= date_trunc('minute', now()) - make_interval(mins => $1::int - 1)) AS accepted,
                (SELECT count(*)::int FROM order_events e JOIN orders o ON o.id = e.order_id
                  WHERE e.status = 'confirmed' AND o.lab_run_id IS NULL AND e.created_at >= date_trunc('minute', now()) - make_interval(mins => $1::int - 1)) AS confirmed`,
        [minutes],
      );
      return rows[0]!;
    };
    // Every confirmation in the window, the other tests' orders included: how fast those
    // confirm depends on the machine, so the exact figure is read back, not assumed.
    const exactLatencies = async (minutes: number) => {
      const { rows } = await svc().pool.query<{ ms: number }>(
        `SELECT extract(epoch FROM e.created_at - o.created_at)::float8 * 1000 AS ms FROM order_events e JOIN orders o ON o.id = e.order_id
          WHERE e.status = 'confirmed' AND o.lab_run_id IS NULL AND e.created_at >= date_trunc('minute', now()) - make_interval(mins => $1::int - 1)`,
        [minutes],
      );
      return rows.map((r) => r.ms);
    };
    for (const [window, minutes] of [
      ["15m", 15],
      ["1h", 60],
      ["24h", 1440],
    ] as const) {
      const overview = await getOverview(svc().db, svc().pipeline, window);
      const exact = await exactWindow(minutes);
      expect(Math.round(overview.throughputPerMinute.accepted * minutes), window).toBe(exact.accepted);
      expect(Math.round(overview.throughputPerMinute.confirmed * minutes), window).toBe(exact.confirmed);
      expect(overview.series.reduce((sum, p) => sum + p.accepted, 0), window).toBe(exact.accepted);
      const p99 = overview.acceptToConfirmedMs.p99!;
      const exactP99 = exactQuantile(await exactLatencies(minutes), 0.99);
      expect(Math.abs(p99 - exactP99) / exactP99, `${window}: ${p99} vs ${exactP99}`).toBeLessThan(0.19);
    }
  });

  it("job attempts roll up per step, per minute and per hour, and any window reads them", async () => {
    const { pool, db, pipeline } = svc();
    const id = await place();
    await pool.query(
      `INSERT INTO job_attempts (job_id, queue, order_id, attempt, queued_at, started_at, finished_at, outcome)
       SELECT gen_random_uuid()::text, 'chargePayment', $1, 1, t - interval '30 ms', t - interval '20 ms', t, CASE WHEN i % 4 = 0 THEN 'failed' ELSE 'completed' END
         FROM generate_series(1, 40) i, LATERAL (SELECT now() - make_interval(mins => CASE WHEN i <= 20 THEN 2 ELSE 300 END)) AS at(t)`,
      [id],
    );
    const step = async (window: "15m" | "24h") => (await getOverview(db, pipeline, window)).steps.find((s) => s.queue === "chargePayment")!;
    const short = await step("15m");
    const long = await step("24h");
    expect(short.attempts).toBe(20);
    expect(short.failed).toBe(5);
    expect(long.attempts).toBe(40);
    expect(long.failed).toBe(10);
    expect(Math.abs(long.runMs.p50! - 20) / 20).toBeLessThan(0.19);
    expect(Math.abs(long.queueWaitMs.p50! - 10) / 10).toBeLessThan(0.19);
    const hours = await pool.query("SELECT sum(attempts)::int AS n FROM admin_step_rollups WHERE span_minutes = 60 AND queue = 'chargePayment'");
    expect(hours.rows[0].n).toBe(40);
  });

  it("folding and the migration's backfill leave every figure as it was", async () => {
    const { db, pipeline, pool } = svc();
    const figures = async () => {
      const o = await getOverview(db, pipeline, "24h");
      return { counts: o.statusCounts, throughput: o.throughputPerMinute, confirmMs: o.acceptToConfirmedMs, steps: o.steps, series: o.series };
    };
    const before = await figures();
    const sharded = await pool.query("SELECT count(*)::int AS n FROM admin_order_minutes WHERE shard <> 0 AND minute < date_trunc('minute', now()) - interval '1 minute'");
    expect(sharded.rows[0].n).toBe(0);
    await db.execute(sql`SELECT admin_backfill_rollups()`);
    expect(await figures()).toEqual(before);
  });
});
