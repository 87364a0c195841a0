import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { OVERVIEW_WINDOWS, type Overview, type OverviewWindow, type Percentiles } from "@/lib/admin-overview";
import { ORDER_STATUSES, type OrderStatus } from "@/lib/order-state";
import type { Database } from "@/server/db/client";
import type { PipelineJobs } from "@/server/pipeline/pipeline-jobs";
import { QUEUED_STEPS } from "@/server/pipeline/steps";
import { addInto, emptyHistogram, percentilesOf } from "./latency-histogram";

const ALIVE_WITHIN_SECONDS = 30;
const SERIES_POINTS = 30;

/**
 * Everything the overview shows, for shop orders only (lab orders are left out), in a
 * handful of queries whose cost does not grow with history (decision 018): status counts
 * and throughput, latency and per-step timings over the window come from the rollups kept
 * by migration 0006's triggers; queue depth (from the job system) and worker health are read live.
 */
export async function getOverview(db: Database, jobs: PipelineJobs, window: OverviewWindow = "15m"): Promise<Overview> {
  const minutes = OVERVIEW_WINDOWS[window];
  // Folding finished minutes first keeps every read below bounded (it skips when another caller is folding).
  await db.execute(sql`SELECT admin_fold_rollups()`);
  const [statusCounts, queues, orderTotals, steps, workers] = await Promise.all([
    countStatuses(db),
    jobs.queueDepths(),
    orderFigures(db, minutes),
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
    throughputPerMinute: { accepted: orderTotals.accepted / minutes, confirmed: orderTotals.confirmed / minutes },
    acceptToConfirmedMs: orderTotals.confirmMs,
    series: orderTotals.series,
    steps,
    workers,
    oldestWaitingJob: oldest ? { queue: oldest.queue, createdAt: oldest.oldestWaitingAt!, ageMs: now - Date.parse(oldest.oldestWaitingAt!) } : null,
  };
}

export const STATUS_COUNTS_QUERY = sql`SELECT status, sum(orders)::int AS n FROM admin_status_counts GROUP BY status`;

/**
 * Exact shop-order counts per status: the sum of the status's counter shards, kept by the
 * transition's own transaction (migration 0006), so the cost does not grow with history.
 */
async function countStatuses(db: Database): Promise<Record<OrderStatus, number>> {
  const { rows } = await db.execute<{ status: OrderStatus; n: number }>(STATUS_COUNTS_QUERY);
  const counts = new Map(rows.map((r) => [r.status, r.n]));
  return Object.fromEntries(ORDER_STATUSES.map((s) => [s, counts.get(s) ?? 0])) as Record<OrderStatus, number>;
}

/** The first minute of a window of `minutes` minutes ending with the current one. */
const windowStart = (minutes: number) => sql`date_trunc('minute', now()) - make_interval(mins => ${minutes - 1})`;

/**
 * Throughput and accept→confirmed latency over the window, from the per-minute rollup: at
 * most `minutes` rows (plus the live minutes' shards), summed here. Percentiles come from
 * the merged histogram (latency-histogram.ts gives their accuracy).
 */
async function orderFigures(
  db: Database,
  minutes: number,
): Promise<{ series: Overview["series"]; accepted: number; confirmed: number; confirmMs: Percentiles }> {
  const { rows } = await db.execute<{ since: string; minute: string; accepted: number; confirmed: number; confirm_hist: number[] }>(
    orderMinutesQuery(minutes),
  );
  const bucketMinutes = Math.max(1, Math.round(minutes / SERIES_POINTS));
  const points = Math.ceil(minutes / bucketMinutes);
  const since = rows[0] ? new Date(rows[0].since).getTime() : Math.floor(Date.now() / 60_000) * 60_000 - (minutes - 1) * 60_000;
  const series = Array.from({ length: points }, (_, i) => ({ at: since + i * bucketMinutes * 60_000, accepted: 0, confirmed: 0, hist: emptyHistogram() }));
  const total = emptyHistogram();
  let accepted = 0;
  let confirmed = 0;
  for (const row of rows) {
    const point = series[Math.min(points - 1, Math.floor((new Date(row.minute).getTime() - since) / (bucketMinutes * 60_000)))];
    if (!point) continue;
    point.accepted += row.accepted;
    point.confirmed += row.confirmed;
    addInto(point.hist, row.confirm_hist);
    addInto(total, row.confirm_hist);
    accepted += row.accepted;
    confirmed += row.confirmed;
  }
  return {
    series: series.map((p) => ({ at: new Date(p.at).toISOString(), accepted: p.accepted, confirmed: p.confirmed, confirmMs: percentilesOf(p.hist) })),
    accepted,
    confirmed,
    confirmMs: percentilesOf(total),
  };
}

/**
 * Per-step attempts, failures, queue wait and run time over the window. Whole hours are read
 * from the hourly rows and only the partial hours at either end from the minute rows, so a
 * 24 h window reads about 144 rows per queue; their histograms are merged here.
 */
async function stepTimings(db: Database, minutes: number): Promise<Overview["steps"]> {
  const { rows } = await db.execute<{ queue: string; attempts: number; failed: number; wait_hist: number[]; run_hist: number[] }>(
    stepTimingsQuery(minutes),
  );
  const perQueue = new Map<string, { attempts: number; failed: number; wait: number[]; run: number[] }>();
  for (const row of rows) {
    const step = perQueue.get(row.queue) ?? { attempts: 0, failed: 0, wait: emptyHistogram(), run: emptyHistogram() };
    step.attempts += row.attempts;
    step.failed += row.failed;
    addInto(step.wait, row.wait_hist);
    addInto(step.run, row.run_hist);
    perQueue.set(row.queue, step);
  }
  return [...perQueue.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([queue, step]) => ({
      queue,
      attempts: step.attempts,
      failed: step.failed,
      queueWaitMs: percentilesOf(step.wait),
      runMs: percentilesOf(step.run),
    }));
}

/** The window's minute rows of the order rollup (exported for the bench's EXPLAIN). */
export function orderMinutesQuery(minutes: number): SQL {
  return sql`
    SELECT ${windowStart(minutes)} AS since, minute, accepted, confirmed, confirm_hist
      FROM admin_order_minutes WHERE minute >= ${windowStart(minutes)}`;
}

/** The window's step rollup rows (exported for the bench's EXPLAIN). */
export function stepTimingsQuery(minutes: number): SQL {
  const queues = sql.join(QUEUED_STEPS.map((q) => sql`${q}`), sql`, `);
  return sql`
    WITH bounds AS (
      SELECT ${windowStart(minutes)} AS since,
             date_bin('1 hour', ${windowStart(minutes)} + interval '59 minutes', '2000-01-01') AS whole_from,
             date_trunc('hour', now()) AS whole_to)
    SELECT r.queue, r.attempts, r.failed, r.wait_hist, r.run_hist
      FROM bounds b JOIN admin_step_rollups r
        ON (r.span_minutes = 60 AND r.starts_at >= b.whole_from AND r.starts_at < b.whole_to)
        OR (r.span_minutes = 1 AND r.starts_at >= b.since AND (r.starts_at < b.whole_from OR r.starts_at >= greatest(b.whole_to, b.whole_from)))
     WHERE r.queue IN (${queues})`;
}

async function workerHealth(db: Database): Promise<Overview["workers"]> {
  const { rows } = await db.execute<{ alive: number; last: string | null }>(sql`
    SELECT count(*) FILTER (WHERE last_seen_at > now() - make_interval(secs => ${ALIVE_WITHIN_SECONDS}))::int AS alive,
           max(last_seen_at) AS last
      FROM worker_heartbeats`);
  const row = rows[0];
  return { alive: row?.alive ?? 0, lastSeenAt: row?.last ? new Date(row.last).toISOString() : null };
}
