/**
 * The lab phase (BENCH_ONLY=lab, decision 019): the lab's thesis as figures. With risk
 * scoring serving 4 requests at once and spiking by +200 ms, 20 concurrent shoppers' direct
 * checkouts take the spike and the queue at the busy service, while async acknowledgement
 * stays as fast as without it.
 *
 * Calm and spiked lab runs alternate, three of each (N = 40, C = 20), and each condition's
 * figure is the median of its runs' own acknowledgement p99 (the figure the lab page shows):
 * load drifting on a shared machine weighs on both conditions alike, and one run disturbed
 * by a pause does not decide the outcome. It reports; it asserts nothing.
 */
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import { setTimeout as sleep } from "node:timers/promises";
import { createApiKey } from "@/server/auth/api-keys";
import * as schema from "@/server/db/schema";
import { downstreamSettings, shoppers } from "@/server/db/schema";
import type { BenchStack } from "./stack";

export const LAB_ORDERS = 40;
export const LAB_CONCURRENCY = 20;
export const LAB_SPIKE_MS = 200;
const RISK_CAPACITY = 4;
const MODES = ["direct", "wait", "async"] as const;
const RUN_TIMEOUT_MS = 180_000;

type Mode = (typeof MODES)[number];
type ModeResult = { mode: Mode; requests: number; errors: number; lost: number; ack: { p99: number } };
export type LabFigures = {
  /** Median over the three runs of each condition of the run's ack p99, ms. */
  ack_p99_ms: Record<Mode, { calm: number; spiked: number }>;
  /** direct's spiked − calm, against 2 × the spike (the thesis: more than that). */
  direct_growth_ms: number;
  /** async's spiked / calm (the thesis: at most 1.2). */
  async_ratio: number;
  runs: ({ spiked: boolean } & Record<Mode, { ack_p99_ms: number; requests: number; errors: number; lost: number }>)[];
};

export async function measureLab(stack: BenchStack, log: (line: string) => void): Promise<LabFigures> {
  const db = drizzle(stack.pool, { schema });
  // The bench zeroes the simulators' latencies; the lab is about their realistic defaults.
  await resetDownstreamToDefaults(stack);
  const { shopper, key } = await createApiKey(db, "bench-lab-admin@conveyor.test");
  await db.update(shoppers).set({ role: "admin" }).where(eq(shoppers.id, shopper.id));
  const call = trpcCaller(stack.baseUrl, key);

  const runs: LabFigures["runs"] = [];
  await db.update(downstreamSettings).set({ capacity: RISK_CAPACITY }).where(eq(downstreamSettings.service, "risk"));
  try {
    for (const spiked of [false, true, false, true, false, true]) {
      await db
        .update(downstreamSettings)
        .set(spiked ? { spikeLatencyMs: LAB_SPIKE_MS, spikeUntil: new Date(Date.now() + RUN_TIMEOUT_MS) } : { spikeLatencyMs: 0, spikeUntil: null })
        .where(eq(downstreamSettings.service, "risk"));
      const results = await labRun(call);
      const run = { spiked, ...Object.fromEntries(MODES.map((m) => [m, { ack_p99_ms: results[m].ack.p99, requests: results[m].requests, errors: results[m].errors, lost: results[m].lost }])) };
      runs.push(run as LabFigures["runs"][number]);
      log(`  ${spiked ? "spiked" : "calm  "} run: ack p99 ${MODES.map((m) => `${m} ${Math.round(results[m].ack.p99)} ms`).join(", ")}`);
    }
  } finally {
    await db.update(downstreamSettings).set({ spikeLatencyMs: 0, spikeUntil: null, capacity: 32 }).where(eq(downstreamSettings.service, "risk"));
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const ackP99 = (mode: Mode, spiked: boolean) => median(runs.filter((r) => r.spiked === spiked).map((r) => r[mode].ack_p99_ms));
  const figures = Object.fromEntries(MODES.map((m) => [m, { calm: ackP99(m, false), spiked: ackP99(m, true) }])) as LabFigures["ack_p99_ms"];
  return {
    ack_p99_ms: figures,
    direct_growth_ms: figures.direct.spiked - figures.direct.calm,
    async_ratio: figures.async.calm > 0 ? figures.async.spiked / figures.async.calm : Number.NaN,
    runs,
  };
}

/** One lab run through the admin API, as the lab page starts it; resolves with its results by mode once finished. */
async function labRun(call: ReturnType<typeof trpcCaller>): Promise<Record<Mode, ModeResult>> {
  const run = await call<{ id: string }>("POST", "admin.startLabRun", { orders: LAB_ORDERS, concurrency: LAB_CONCURRENCY });
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  for (;;) {
    const runs = await call<{ id: string; status: string; results: ModeResult[] }[]>("GET", "admin.labRuns");
    const found = runs.find((r) => r.id === run.id);
    if (found?.status === "finished") return Object.fromEntries(found.results.map((r) => [r.mode, r])) as Record<Mode, ModeResult>;
    if (found?.status === "failed") throw new Error(`lab run ${run.id} failed`);
    if (Date.now() > deadline) throw new Error(`lab run ${run.id} did not finish in ${RUN_TIMEOUT_MS / 1000} s (status ${found?.status})`);
    await sleep(500);
  }
}

function trpcCaller(baseUrl: string, apiKey: string) {
  return async <T>(method: "GET" | "POST", path: string, input?: unknown): Promise<T> => {
    const query = method === "GET" && input !== undefined ? `?input=${encodeURIComponent(JSON.stringify(input))}` : "";
    const response = await fetch(`${baseUrl}/api/trpc/${path}${query}`, {
      method,
      headers: { Authorization: `Bearer ${apiKey}`, ...(method === "POST" ? { "Content-Type": "application/json" } : {}) },
      body: method === "POST" ? JSON.stringify(input ?? null) : undefined,
    });
    const body = (await response.json()) as { result?: { data: T }; error?: { message: string } };
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${body.error?.message}`);
    return body.result!.data;
  };
}

/** Every simulated service's settings back to their column defaults, as a fresh `npm start` has them. */
async function resetDownstreamToDefaults(stack: BenchStack): Promise<void> {
  const columns = await stack.pool.query<{ column_name: string }>(
    "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'downstream_settings' AND column_default IS NOT NULL AND column_name <> 'service'",
  );
  if (columns.rows.length === 0) return;
  await stack.pool.query(`UPDATE downstream_settings SET ${columns.rows.map((c) => `"${c.column_name}" = DEFAULT`).join(", ")}`);
}
