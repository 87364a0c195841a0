import "server-only";
import { sql } from "drizzle-orm";
import type { PgBoss } from "pg-boss";
import { OVERVIEW_WINDOWS, type Overview, type OverviewWindow, type Percentiles, type QueueDepth } from "@/lib/admin-overview";
import { ORDER_STATUSES, type OrderStatus } from "@/lib/order-status";
import { QUEUES, deadLetterQueue } from "@/jobs/queues";
import type { Database } from "@/server/db/client";

const ALIVE_WITHIN_SECONDS = 30;
const BUCKETS = 30;

/**
 * Everything the overview shows, for shop orders only (lab orders are left out), in a
 * handful of index-backed queries (decision 018): status counts, per-queue depth, throughput
 * and latency over the window, per-step queue wait vs run time, worker health.
 */
export async function getOverview(db: Database, boss: PgBoss, window: OverviewWindow = "15m"): Promise<Overview> {
  const minutes = OVERVIEW_WINDOWS[window];
  const [statusCounts, queues, series, totals, steps, workers] = await Promise.all([
    countStatuses(db),
    queueDepths(db, boss),
    throughputSeries(db, minutes),
    windowTotals(db, minutes),
    stepTimings(db, minutes),
    workerHealth(db),
  ]);
  const oldest = queues
    .filter((q) => q.oldestWaitingAt)
    .sort((a, b) => a.oldestWaitingAt!.localeCompare(b.oldestWaitingAt!))[0];
  const now = Date.now();
  return {
    generatedAt: new Date(now).toISOString(),
    window,
    statusCounts,
    queues,
    throughputPerMinute: { accepted: totals.accepted / minutes, confirmed: totals.confirmed / minutes },
    acceptToConfirmedMs: totals.confirmMs,
    series,
    steps,
    workers,
    oldestWaitingJob: oldest ? { queue: oldest.queue, createdAt: oldest.oldestWaitingAt!, ageMs: now - Date.parse(oldest.oldestWaitingAt!) } : null,
  };
}

/**
 * One count per status, each an index-only range scan of orders_shop_status_seq_idx; a
 * single GROUP BY over all shop orders would make the planner read the whole table.
 */
async function countStatuses(db: Database): Promise<Record<OrderStatus, number>> {
  const counts = sql.join(
    ORDER_STATUSES.map((status) => sql`(SELECT count(*)::int FROM orders WHERE lab_run_id IS NULL AND status = ${status}) AS ${sql.identifier(status)}`),
    sql`, `,
  );
  const { rows } = await db.execute<Record<OrderStatus, number>>(sql`SELECT ${counts}`);
  return Object.fromEntries(ORDER_STATUSES.map((s) => [s, rows[0]?.[s] ?? 0])) as Record<OrderStatus, number>;
}

/**
 * Waiting, retrying and dead-lettered counts are read live from pg-boss's job table through
 * its partial index on not-yet-active jobs; "active" comes from pg-boss's cached queue
 * stats (getQueues/getQueueStats, kept fresh by the workers' monitor), since counting active jobs directly would scan
 * every completed job kept for a week.
 */
async function queueDepths(db: Database, boss: PgBoss): Promise<QueueDepth[]> {
  const names = Object.values(QUEUES);
  const { rows } = await db.execute<{ name: string; waiting: number; retrying: number; total: number; oldest: string | null }>(sql`
    SELECT name,
           count(*) FILTER (WHERE start_after <= now())::int AS waiting,
           count(*) FILTER (WHERE start_after > now())::int AS retrying,
           count(*)::int AS total,
           min(created_on) FILTER (WHERE start_after <= now()) AS oldest
      FROM pgboss.job
     WHERE state < 'active' AND NOT blocked
     GROUP BY name`);
  const pending = new Map(rows.map((r) => [r.name, r]));
  // getQueues serves the same cached counts as getQueueStats, for every queue in one query.
  const active = new Map((await boss.getQueues(names)).map((q) => [q.name, q.activeCount]));
  return names.map((queue) => {
    const own = pending.get(queue);
    const oldest = own?.oldest ? new Date(own.oldest).toISOString() : null;
    return {
      queue,
      waiting: own?.waiting ?? 0,
      retrying: own?.retrying ?? 0,
      active: active.get(queue) ?? 0,
      dead: pending.get(deadLetterQueue(queue))?.total ?? 0,
      oldestWaitingAt: oldest,
    };
  });
}

const PERCENTILES = (expr: ReturnType<typeof sql.raw>) => sql`
  percentile_cont(0.5) WITHIN GROUP (ORDER BY ${expr}) AS p50,
  percentile_cont(0.95) WITHIN GROUP (ORDER BY ${expr}) AS p95,
  percentile_cont(0.99) WITHIN GROUP (ORDER BY ${expr}) AS p99`;

type PercentileRow = { p50: number | null; p95: number | null; p99: number | null };
const percentiles = (row: PercentileRow | undefined): Percentiles => ({
  p50: row?.p50 == null ? null : Math.round(Number(row.p50)),
  p95: row?.p95 == null ? null : Math.round(Number(row.p95)),
  p99: row?.p99 == null ? null : Math.round(Number(row.p99)),
});

/**
 * The order of each event in the window, looked up by primary key. OFFSET 0 keeps the
 * planner from flattening it into a hash join that reads every order to match a few
 * hundred events.
 */
const ORDER_OF_EVENT = sql.raw("(SELECT created_at, lab_run_id FROM orders WHERE id = e.order_id OFFSET 0)");

const CONFIRM_MS = sql.raw("extract(epoch FROM e.created_at - o.created_at) * 1000");

/** Orders accepted and confirmed per bucket, with accept→confirmed percentiles per bucket. */
async function throughputSeries(db: Database, minutes: number): Promise<Overview["series"]> {
  const bucketSeconds = Math.max(10, Math.round((minutes * 60) / BUCKETS));
  const bucket = (column: ReturnType<typeof sql.raw>) =>
    sql`to_timestamp(floor(extract(epoch FROM ${column}) / ${bucketSeconds}) * ${bucketSeconds})`;
  const since = sql`now() - make_interval(mins => ${minutes})`;
  const [accepted, confirmed] = await Promise.all([
    db.execute<{ at: string; n: number }>(sql`
      SELECT ${bucket(sql.raw("created_at"))} AS at, count(*)::int AS n
        FROM orders WHERE created_at >= ${since} AND lab_run_id IS NULL GROUP BY 1`),
    db.execute<{ at: string; n: number } & PercentileRow>(sql`
      SELECT ${bucket(sql.raw("e.created_at"))} AS at, count(*)::int AS n, ${PERCENTILES(CONFIRM_MS)}
        FROM order_events e CROSS JOIN LATERAL ${ORDER_OF_EVENT} o
       WHERE e.status = 'confirmed' AND e.created_at >= ${since} AND o.lab_run_id IS NULL
       GROUP BY 1`),
  ]);
  const key = (at: string) => new Date(at).toISOString();
  const acceptedAt = new Map(accepted.rows.map((r) => [key(r.at), r.n]));
  const confirmedAt = new Map(confirmed.rows.map((r) => [key(r.at), r]));
  const end = Math.floor(Date.now() / 1000 / bucketSeconds) * bucketSeconds;
  const buckets: Overview["series"] = [];
  for (let t = end - (BUCKETS - 1) * bucketSeconds; t <= end; t += bucketSeconds) {
    const at = new Date(t * 1000).toISOString();
    const c = confirmedAt.get(at);
    buckets.push({ at, accepted: acceptedAt.get(at) ?? 0, confirmed: c?.n ?? 0, confirmMs: percentiles(c) });
  }
  return buckets;
}

async function windowTotals(db: Database, minutes: number): Promise<{ accepted: number; confirmed: number; confirmMs: Percentiles }> {
  const since = sql`now() - make_interval(mins => ${minutes})`;
  const [accepted, confirmed] = await Promise.all([
    db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM orders WHERE created_at >= ${since} AND lab_run_id IS NULL`),
    db.execute<{ n: number } & PercentileRow>(sql`
      SELECT count(*)::int AS n, ${PERCENTILES(CONFIRM_MS)}
        FROM order_events e CROSS JOIN LATERAL ${ORDER_OF_EVENT} o
       WHERE e.status = 'confirmed' AND e.created_at >= ${since} AND o.lab_run_id IS NULL`),
  ]);
  return { accepted: accepted.rows[0]?.n ?? 0, confirmed: confirmed.rows[0]?.n ?? 0, confirmMs: percentiles(confirmed.rows[0]) };
}

async function stepTimings(db: Database, minutes: number): Promise<Overview["steps"]> {
  const wait = sql.raw("extract(epoch FROM a.started_at - a.queued_at) * 1000");
  const run = sql.raw("extract(epoch FROM a.finished_at - a.started_at) * 1000");
  const { rows } = await db.execute<{
    queue: string;
    attempts: number;
    failed: number;
    w50: number; w95: number; w99: number;
    r50: number; r95: number; r99: number;
  }>(sql`
    SELECT a.queue, count(*)::int AS attempts, count(*) FILTER (WHERE a.outcome = 'failed')::int AS failed,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY ${wait}) AS w50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY ${wait}) AS w95,
           percentile_cont(0.99) WITHIN GROUP (ORDER BY ${wait}) AS w99,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY ${run}) AS r50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY ${run}) AS r95,
           percentile_cont(0.99) WITHIN GROUP (ORDER BY ${run}) AS r99
      FROM job_attempts a LEFT JOIN LATERAL (SELECT lab_run_id FROM orders WHERE id = a.order_id OFFSET 0) o ON true
     WHERE a.finished_at >= now() - make_interval(mins => ${minutes}) AND o.lab_run_id IS NULL
       AND a.queue IN (${sql.join(Object.values(QUEUES).map((q) => sql`${q}`), sql`, `)})
     GROUP BY a.queue ORDER BY a.queue`);
  return rows.map((r) => ({
    queue: r.queue,
    attempts: r.attempts,
    failed: r.failed,
    queueWaitMs: percentiles({ p50: r.w50, p95: r.w95, p99: r.w99 }),
    runMs: percentiles({ p50: r.r50, p95: r.r95, p99: r.r99 }),
  }));
}

async function workerHealth(db: Database): Promise<Overview["workers"]> {
  const { rows } = await db.execute<{ alive: number; last: string | null }>(sql`
    SELECT count(*) FILTER (WHERE last_seen_at > now() - make_interval(secs => ${ALIVE_WITHIN_SECONDS}))::int AS alive,
           max(last_seen_at) AS last
      FROM worker_heartbeats`);
  const row = rows[0];
  return { alive: row?.alive ?? 0, lastSeenAt: row?.last ? new Date(row.last).toISOString() : null };
}
