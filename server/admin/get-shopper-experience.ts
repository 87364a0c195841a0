import "server-only";
import { sql } from "drizzle-orm";
import { OVERVIEW_WINDOWS, type OverviewWindow, type ShopperExperience, type ShopperFigure, type ShopperViews } from "@/lib/admin-overview";
import { BEACON_PAGES } from "@/lib/beacon-shape";
import { ORDER_STATUSES } from "@/lib/order-state";
import type { Database } from "@/server/db/client";

/** A (page, metric, latency bucket) group of the window's measurements, as the query returns it: how many, how many by polling, the smallest and largest. */
export type MeasurementBucketRow = { page: string; metric: string; bucket: number; n: number; polling: number; lo: number; hi: number };

/**
 * The "What shoppers saw" panel (decision 035): p50/p75 per page and metric over the window,
 * and the share of live page views that fell back to polling. The database groups the window's
 * rows by page, metric and the admin rollups' latency bucket (admin_latency_bucket, migration
 * 0006), so what comes back is bounded by pages × metrics × 72 however many beacons arrived;
 * the percentiles are read from those histograms, interpolated between the smallest and the
 * largest value each bucket really holds — exact for a bucket of one, and never off by more
 * than the bucket's width (a factor of 2^(1/4), latency-histogram.ts) otherwise.
 */
export async function getShopperExperience(db: Database, window: OverviewWindow = "15m"): Promise<ShopperExperience> {
  const { rows } = await db.execute<MeasurementBucketRow>(sql`
    SELECT page, metric, admin_latency_bucket(value_ms) - 1 AS bucket, count(*)::int AS n,
           count(*) FILTER (WHERE transport = 'polling')::int AS polling, min(value_ms) AS lo, max(value_ms) AS hi
      FROM shopper_measurements
     WHERE created_at >= now() - make_interval(mins => ${OVERVIEW_WINDOWS[window]})
     GROUP BY 1, 2, 3`);
  return { window, ...summarizeMeasurements(rows) };
}

const PAGE_ORDER = new Map<string, number>(BEACON_PAGES.map((page, i) => [page, i]));
/** Metrics as a checkout happens: the optimistic row, the answer, the statuses in the state machine's order, INP. */
const METRIC_ORDER = new Map<string, number>(["optimistic_row", "server_answer", ...ORDER_STATUSES.map((s) => `status.${s}`), "inp"].map((m, i) => [m, i]));

function compareFigures(a: ShopperFigure, b: ShopperFigure): number {
  const rank = (metric: string) => METRIC_ORDER.get(metric) ?? METRIC_ORDER.size;
  return (PAGE_ORDER.get(a.page) ?? 9) - (PAGE_ORDER.get(b.page) ?? 9) || rank(a.metric) - rank(b.metric);
}

type Bucket = { bucket: number; n: number; lo: number; hi: number };

/** The q-quantile (0..1) of bucketed values: the bucket holding that rank, read linearly between its smallest and largest value. */
export function bucketQuantile(buckets: readonly Bucket[], q: number): number | null {
  const sorted = [...buckets].sort((a, b) => a.bucket - b.bucket);
  const total = sorted.reduce((sum, b) => sum + b.n, 0);
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (const b of sorted) {
    if (below + b.n >= rank) return b.lo + (b.hi - b.lo) * Math.min(1, Math.max(0, (rank - below) / b.n));
    below += b.n;
  }
  return sorted[sorted.length - 1]!.hi;
}

/** Folds the grouped rows into the panel's figures (exported for its unit test). */
export function summarizeMeasurements(rows: readonly MeasurementBucketRow[]): Omit<ShopperExperience, "window"> {
  const groups = new Map<string, { page: string; metric: string; buckets: Bucket[] }>();
  const views = new Map<string, ShopperViews>();
  for (const row of rows) {
    if (row.metric === "page_view") {
      const page = views.get(row.page) ?? { page: row.page, views: 0, polling: 0 };
      page.views += row.n;
      page.polling += row.polling;
      views.set(row.page, page);
      continue;
    }
    const key = `${row.page}\u0000${row.metric}`;
    const entry = groups.get(key) ?? { page: row.page, metric: row.metric, buckets: [] };
    entry.buckets.push({ bucket: row.bucket, n: row.n, lo: Number(row.lo), hi: Number(row.hi) });
    groups.set(key, entry);
  }
  const figures = [...groups.values()]
    .map(({ page, metric, buckets }) => ({
      page,
      metric,
      count: buckets.reduce((sum, b) => sum + b.n, 0),
      p50: rounded(bucketQuantile(buckets, 0.5)),
      p75: rounded(bucketQuantile(buckets, 0.75)),
    }))
    .sort(compareFigures);
  const pageViews = [...views.values()].sort((a, b) => (PAGE_ORDER.get(a.page) ?? 9) - (PAGE_ORDER.get(b.page) ?? 9));
  const total = pageViews.reduce((sum, v) => sum + v.views, 0);
  const polling = pageViews.reduce((sum, v) => sum + v.polling, 0);
  return { figures, views: pageViews, fallbackShare: total === 0 ? null : polling / total };
}

const rounded = (value: number | null) => (value === null ? null : Math.round(value));
