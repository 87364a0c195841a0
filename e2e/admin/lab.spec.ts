/**
 * The lab's thesis, measured: with risk scoring spiking by +200 ms at concurrency 20, the
 * synchronous chain ("direct") passes the spike — and the queue at the busy service — to
 * the shopper, while the asynchronous intake acknowledges as fast as without the spike.
 * Both runs happen in this one test, under the same settings but for the spike.
 */
import { expect, test } from "@playwright/test";
import { useStack, type Shopper } from "../support/stack";
import { adminCall } from "../support/trpc";

// A web pool as large as the lab's concurrency, so intake does not queue for connections.
const stack = useStack({ DB_POOL_MAX: "20" });
let admin: Shopper;

const ORDERS = 60;
const CONCURRENCY = 20;
const SPIKE_MS = 200;

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
  // Risk scoring serves 4 requests at once; 20 concurrent shoppers queue behind it.
  await stack().setDownstream("risk", { capacity: 4, spikeLatencyMs: 0, spikeUntil: null });
  const calm = await runLab();
  await stack().setDownstream("risk", { spikeLatencyMs: SPIKE_MS, spikeUntil: new Date(Date.now() + 180_000) });
  let spiked: Record<string, any>;
  try {
    spiked = await runLab();
  } finally {
    await stack().setDownstream("risk", { spikeLatencyMs: 0, spikeUntil: null, capacity: 32 });
  }
  console.log(
    "lab figures (ack p99 ms, calm → spiked):",
    Object.fromEntries(["direct", "wait", "async"].map((m) => [m, `${calm[m].ack.p99} → ${spiked[m].ack.p99}`])),
  );
  console.log("async ack samples calm", [...calm.async.ackSamples].sort((a: number, b: number) => a - b).join(","));
  console.log("async ack samples spiked", [...spiked.async.ackSamples].sort((a: number, b: number) => a - b).join(","));
  console.log("direct ack samples calm", [...calm.direct.ackSamples].sort((a: number, b: number) => a - b).join(","));
  for (const results of [calm, spiked]) {
    for (const mode of ["direct", "wait", "async"]) {
      expect(results[mode].requests, mode).toBe(ORDERS);
      expect(results[mode].errors, mode).toBe(0);
      expect(results[mode].lost, mode).toBe(0);
    }
  }
  expect(spiked.direct.ack.p99 - calm.direct.ack.p99).toBeGreaterThan(2 * SPIKE_MS);
  expect(spiked.async.ack.p99).toBeLessThanOrEqual(1.2 * calm.async.ack.p99);
  // Async orders still confirm; the spike shows up there, after the acknowledgement.
  expect(spiked.async.confirmed.p50).toBeGreaterThan(calm.async.confirmed.p50);
});
