/**
 * The lab's thesis, measured: with risk scoring spiking by +200 ms at concurrency 20, the
 * synchronous chain ("direct") passes the spike — and the queue at the busy service — to
 * the shopper, while the asynchronous intake acknowledges as fast as without the spike.
 * Calm and spiked runs alternate (calm, spiked, calm, spiked) in this one test and their
 * samples are pooled per condition, so a change in the shared machine's load during the
 * test weighs on both conditions alike.
 */
import { expect, test } from "@playwright/test";
import { summarize } from "@/server/lab/percentile";
import { useStack, type Shopper } from "../support/stack";
import { adminCall } from "../support/admin-trpc";

// A web pool as large as the lab's concurrency, so intake does not queue for connections.
const stack = useStack({ DB_POOL_MAX: "20" });
let admin: Shopper;

const ORDERS = 30;
const CONCURRENCY = 20;
const SPIKE_MS = 200;
const MODES = ["direct", "wait", "async"] as const;

test.beforeAll(async () => {
  admin = await stack().newShopper({ admin: true });
});

async function runLab(): Promise<Record<string, any>> {
  const run = await adminCall(stack(), "mutation", "admin.startLabRun", { orders: ORDERS, concurrency: CONCURRENCY }, admin.headers);
  let finished: any;
  await expect
    .poll(
      async () => {
        const runs = await adminCall(stack(), "query", "admin.labRuns", undefined, admin.headers);
        finished = runs.find((r: any) => r.id === run.id);
        return finished?.status;
      },
      { timeout: 90_000, intervals: [250, 500, 1000] },
    )
    .toBe("finished");
  return Object.fromEntries(finished.results.map((r: any) => [r.mode, r]));
}

test("a +200 ms risk spike cascades through direct checkouts but not through async acknowledgement", async () => {
  test.setTimeout(240_000);
  const runs: { spiked: boolean; results: Record<string, any> }[] = [];
  // Risk scoring serves 4 requests at once; 20 concurrent shoppers queue behind it.
  await stack().setDownstream("risk", { capacity: 4 });
  try {
    for (const spiked of [false, true, false, true]) {
      await stack().setDownstream("risk", spiked ? { spikeLatencyMs: SPIKE_MS, spikeUntil: new Date(Date.now() + 120_000) } : { spikeLatencyMs: 0, spikeUntil: null });
      runs.push({ spiked, results: await runLab() });
    }
  } finally {
    await stack().setDownstream("risk", { spikeLatencyMs: 0, spikeUntil: null, capacity: 32 });
  }
  for (const { results } of runs) {
    for (const mode of MODES) {
      expect(results[mode].requests, mode).toBe(ORDERS);
      expect(results[mode].errors, mode).toBe(0);
      expect(results[mode].lost, mode).toBe(0);
    }
  }
  const ackP99 = (mode: string, spiked: boolean) => summarize(runs.filter((r) => r.spiked === spiked).flatMap((r) => r.results[mode].ackSamples as number[])).p99;
  const figures = Object.fromEntries(MODES.map((m) => [m, { calm: ackP99(m, false), spiked: ackP99(m, true) }])) as Record<(typeof MODES)[number], { calm: number; spiked: number }>;
  console.log("lab ack p99 (ms):", JSON.stringify(figures));
  expect(figures.direct.spiked - figures.direct.calm).toBeGreaterThan(2 * SPIKE_MS);
  expect(figures.async.spiked).toBeLessThanOrEqual(1.2 * figures.async.calm);
});
