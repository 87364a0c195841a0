/**
 * What shoppers saw (decision 035): the ingest's validation, and the overview's aggregation
 * — p50/p75 per page and metric from the rollups' histogram, within its stated accuracy, the
 * fallback share of live views, the window, and the retention prune — on a real Postgres.
 */
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { MAX_MEASUREMENTS_PER_BEACON } from "@/lib/beacon-shape";
import { bucketQuantile, getShopperExperience, summarizeMeasurements, type MeasurementBucketRow } from "@/server/admin/get-shopper-experience";
import { bucketOf } from "@/server/admin/latency-histogram";
import { useServiceDatabase } from "@/tests/support/service-database";
import { beaconSchema } from "./beacon-schema";
import { pruneShopperMeasurements } from "./prune-shopper-measurements";
import { recordBeacon } from "./record-beacon";

describe("the beacon's schema", () => {
  const valid = {
    page: "/checkout",
    measurements: [
      { metric: "optimistic_row", value_ms: 12.4 },
      { metric: "server_answer", value_ms: 180 },
      { metric: "status.payment_confirmed", value_ms: 950, transport: "sse" },
      { metric: "inp", value_ms: 64 },
      { metric: "page_view", value_ms: 30_000, transport: "polling" },
    ],
  };

  it("accepts the reporter's shape, rounding figures to whole milliseconds", () => {
    const parsed = beaconSchema.parse(valid);
    expect(parsed.measurements[0]).toEqual({ metric: "optimistic_row", value_ms: 12 });
    expect(parsed.measurements).toHaveLength(5);
  });

  it.each([
    ["an unknown page", { ...valid, page: "/orders/ord_123" }, "page"],
    ["an unknown metric", { ...valid, measurements: [{ metric: "status.lost", value_ms: 1 }] }, "measurements.0.metric"],
    ["a negative figure", { ...valid, measurements: [{ metric: "inp", value_ms: -1 }] }, "measurements.0.value_ms"],
    ["a figure over a day", { ...valid, measurements: [{ metric: "inp", value_ms: 86_400_001 }] }, "measurements.0.value_ms"],
    ["an unknown transport", { ...valid, measurements: [{ metric: "inp", value_ms: 1, transport: "websocket" }] }, "measurements.0.transport"],
    ["a field beside a measurement (no room for anything about the shopper)", { ...valid, measurements: [{ metric: "inp", value_ms: 1, email: "a@b.c" }] }, "measurements.0"],
    ["a field beside the page", { ...valid, user_id: "usr_1" }, ""],
    ["no measurement", { ...valid, measurements: [] }, "measurements"],
    ["too many measurements", { ...valid, measurements: Array.from({ length: MAX_MEASUREMENTS_PER_BEACON + 1 }, () => ({ metric: "inp", value_ms: 1 })) }, "measurements"],
  ])("refuses %s", (_, body, path) => {
    const parsed = beaconSchema.safeParse(body);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join("."))).toContain(path);
  });
});

/** The rows the database's GROUP BY would return for these measurements (same buckets as admin_latency_bucket). */
function grouped(measurements: { page: string; metric: string; value_ms: number; transport?: string }[]): MeasurementBucketRow[] {
  const rows = new Map<string, MeasurementBucketRow>();
  for (const m of measurements) {
    const bucket = bucketOf(m.value_ms);
    const key = `${m.page} ${m.metric} ${bucket}`;
    const row = rows.get(key) ?? { page: m.page, metric: m.metric, bucket, n: 0, polling: 0, lo: m.value_ms, hi: m.value_ms };
    row.n += 1;
    row.lo = Math.min(row.lo, m.value_ms);
    row.hi = Math.max(row.hi, m.value_ms);
    if (m.transport === "polling") row.polling += 1;
    rows.set(key, row);
  }
  return [...rows.values()];
}

/** The exact q-quantile (nearest rank) of `values`. */
const exact = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.ceil(q * values.length) - 1]!;

describe("the panel's aggregation", () => {
  it("reads p50 and p75 per page and metric within a bucket's width (19 %), and leaves page views out of the figures", () => {
    const answers = Array.from({ length: 400 }, (_, i) => 50 + ((i * 37) % 400)); // 50..449 ms, shuffled
    const inp = Array.from({ length: 101 }, (_, i) => 8 + i * 4);
    const summary = summarizeMeasurements(
      grouped([
        ...answers.map((value_ms) => ({ page: "/checkout", metric: "server_answer", value_ms })),
        ...inp.map((value_ms) => ({ page: "/orders", metric: "inp", value_ms })),
        { page: "/checkout", metric: "page_view", value_ms: 60_000, transport: "sse" },
      ]),
    );
    expect(summary.figures.map((f) => [f.page, f.metric, f.count])).toEqual([
      ["/checkout", "server_answer", 400],
      ["/orders", "inp", 101],
    ]);
    for (const [figure, values] of [
      [summary.figures[0]!, answers],
      [summary.figures[1]!, inp],
    ] as const) {
      expect(Math.abs(figure.p50! - exact(values, 0.5)) / exact(values, 0.5)).toBeLessThan(0.19);
      expect(Math.abs(figure.p75! - exact(values, 0.75)) / exact(values, 0.75)).toBeLessThan(0.19);
      expect(figure.p75!).toBeGreaterThanOrEqual(figure.p50!);
    }
  });

  it("orders a page's figures as the checkout happens: optimistic row, answer, statuses by the state machine, INP", () => {
    const page = "/checkout";
    const summary = summarizeMeasurements(
      grouped(["inp", "status.shipped", "server_answer", "status.pending", "status.confirmed", "status.payment_confirmed", "optimistic_row"].map((metric) => ({ page, metric, value_ms: 10 }))),
    );
    expect(summary.figures.map((f) => f.metric)).toEqual(["optimistic_row", "server_answer", "status.pending", "status.payment_confirmed", "status.confirmed", "status.shipped", "inp"]);
  });

  it("is exact for a single sample, and for samples that share their bucket's bounds", () => {
    const summary = summarizeMeasurements(grouped([{ page: "/orders", metric: "server_answer", value_ms: 481 }]));
    expect(summary.figures[0]).toMatchObject({ count: 1, p50: 481, p75: 481 });
    expect(bucketQuantile([], 0.5)).toBeNull();
    expect(bucketQuantile([{ bucket: 3, n: 2, lo: 10, hi: 10 }, { bucket: 40, n: 2, lo: 900, hi: 900 }], 0.75)).toBe(900);
  });

  it("gives the share of live page views that fell back to polling, per page and overall; none without views", () => {
    const views = (page: string, sse: number, polling: number) => [
      ...Array.from({ length: sse }, () => ({ page, metric: "page_view", value_ms: 1000, transport: "sse" })),
      ...Array.from({ length: polling }, () => ({ page, metric: "page_view", value_ms: 90_000, transport: "polling" })),
    ];
    const summary = summarizeMeasurements(grouped([...views("/orders", 3, 1), ...views("/checkout", 4, 0)]));
    expect(summary.views).toEqual([
      { page: "/checkout", views: 4, polling: 0 },
      { page: "/orders", views: 4, polling: 1 },
    ]);
    expect(summary.fallbackShare).toBe(1 / 8);
    expect(summarizeMeasurements([])).toEqual({ figures: [], views: [], fallbackShare: null });
  });
});

describe("stored beacons", () => {
  const svc = useServiceDatabase();

  it("are read back per page and metric over the window only, and pruned after their retention", async () => {
    const { db } = svc();
    await recordBeacon(db, { page: "/orders/[id]", measurements: [100, 200, 300, 400].map((value_ms) => ({ metric: "status.shipped", value_ms, transport: "sse" as const })) });
    await recordBeacon(db, { page: "/orders/[id]", measurements: [{ metric: "page_view", value_ms: 5000, transport: "polling" }] });
    // An hour old: inside 6 h, outside 15 min.
    await recordBeacon(db, { page: "/orders/[id]", measurements: [{ metric: "status.shipped", value_ms: 5000, transport: "polling" }] });
    await db.execute(sql`UPDATE shopper_measurements SET created_at = now() - interval '1 hour' WHERE value_ms = 5000 AND metric = 'status.shipped'`);

    const recent = await getShopperExperience(db, "15m");
    expect(recent.figures).toEqual([{ page: "/orders/[id]", metric: "status.shipped", count: 4, p50: expect.any(Number), p75: expect.any(Number) }]);
    expect(recent.figures[0]!.p50! / 200).toBeGreaterThan(0.81);
    expect(recent.figures[0]!.p50! / 200).toBeLessThan(1.19);
    expect(recent.fallbackShare).toBe(1);
    expect((await getShopperExperience(db, "6h")).figures[0]!.count).toBe(5);

    expect(await pruneShopperMeasurements(db, 1)).toBe(0);
    await db.execute(sql`UPDATE shopper_measurements SET created_at = now() - interval '2 days' WHERE value_ms = 5000 AND metric = 'status.shipped'`);
    expect(await pruneShopperMeasurements(db, 1)).toBe(1);
    expect((await getShopperExperience(db, "24h")).figures[0]!.count).toBe(4);
  });
});
