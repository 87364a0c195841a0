import "server-only";
import { sql } from "drizzle-orm";
import { OVERVIEW_WINDOWS, type OverviewWindow, type ShopperExperience, type ShopperFigure, type ShopperViews } from "@/lib/admin-overview";
import { BEACON_PAGES } from "@/lib/beacon-shape";
import type { Database } from "@/server/db/client";
import { emptyHistogram, quantile, type Histogram } from "./latency-histogram";

/** A (page, metric, latency bucket) group of the window's measurements, as the query returns it. */
export type MeasurementBucketRow = { page: string; metric: string; bucket: number; n: number; polling: number };

/**
 * The "What shoppers saw" panel (decision 035): p50/p75 per page and metric over the window,
 * and the share of live page views that fell back to polling. The database groups the window's
 * rows by page, metric and the admin rollups' latency bucket (admin_latency_bucket, migration
 * 0006), so what comes back is bounded by pages × metrics × 72 however many beacons arrived;
 * the percentiles are read from those histograms (latency-histogram.ts: within 19 %).
 */
export async function getShopperExperience(db: Database, window: OverviewWindow = "15m"): Promise<ShopperExperience> {
  const { rows } = await db.execute<MeasurementBucketRow>(sql`
    SELECT page, metric, admin_latency_bucket(value_ms) - 1 AS bucket, count(*)::int AS n,
           count(*) FILTER (WHERE transport = 'polling')::int AS polling
      FROM shopper_measurements
     WHERE created_at >= now() - make_interval(mins => ${OVERVIEW_WINDOWS[window]})
     GROUP BY 1, 2, 3`);
  return { window, ...summarizeMeasurements(rows) };
}

const PAGE_ORDER = new Map<string, number>(BEACON_PAGES.map((page, i) => [page, i]));
const METRIC_ORDER = ["optimistic_row", "server_answer"];

/** Pages in the shop's order, then metrics: the checkout's own first, statuses by name, INP last. */
function compareFigures(a: ShopperFigure, b: ShopperFigure): number {
  const rank = (metric: string) => (METRIC_ORDER.includes(metric) ? METRIC_ORDER.indexOf(metric) : metric === "inp" ? 99 : 50);
  return (PAGE_ORDER.get(a.page) ?? 9) - (PAGE_ORDER.get(b.page) ?? 9) || rank(a.metric) - rank(b.metric) || a.metric.localeCompare(b.metric);
}

/** Folds the grouped rows into the panel's figures (exported for its unit test). */
export function summarizeMeasurements(rows: readonly MeasurementBucketRow[]): Omit<ShopperExperience, "window"> {
  const histograms = new Map<string, { page: string; metric: string; histogram: Histogram }>();
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
    const entry = histograms.get(key) ?? { page: row.page, metric: row.metric, histogram: emptyHistogram() };
    entry.histogram[Math.min(Math.max(0, row.bucket), entry.histogram.length - 1)]! += row.n;
    histograms.set(key, entry);
  }
  const figures = [...histograms.values()]
    .map(({ page, metric, histogram }) => ({
      page,
      metric,
      count: histogram.reduce((sum, n) => sum + n, 0),
      p50: rounded(quantile(histogram, 0.5)),
      p75: rounded(quantile(histogram, 0.75)),
    }))
    .sort(compareFigures);
  const pageViews = [...views.values()].sort((a, b) => (PAGE_ORDER.get(a.page) ?? 9) - (PAGE_ORDER.get(b.page) ?? 9));
  const total = pageViews.reduce((sum, v) => sum + v.views, 0);
  const polling = pageViews.reduce((sum, v) => sum + v.polling, 0);
  return { figures, views: pageViews, fallbackShare: total === 0 ? null : polling / total };
}

const rounded = (value: number | null) => (value === null ? null : Math.round(value));
