/**
 * `npm run bench`: starts a complete Conveyor from the production build on a fresh
 * database, measures it, tears it down, and prints the figures — as it goes, and as one
 * JSON object on the last line. It only reports; it asserts nothing about speed.
 *
 *   BENCH_SECONDS      measured duration of the intake and raw-insert phases (default 10)
 *   WORKER_PROCESSES   worker processes, as for `npm start` (default 1)
 *   BENCH_LOGS=1       show the app's own output
 *   NEXT_DIST_DIR      the build to serve (default .next)
 *
 * Phases: intake first, with no worker running yet — the synchronous path a client waits
 * for, measured alone, then raw inserts on the same database for comparison. The backlog of
 * jobs intake leaves is then discarded, workers start, and the pipeline phases measure
 * latency (paced) and throughput (a burst) on an otherwise idle pipeline.
 */
import { existsSync } from "node:fs";
import os from "node:os";
import type pg from "pg";
import { env } from "@/server/env";
import { measureBundleSizes } from "./bench/bundle-size";
import { measureIntake, measureRawInserts } from "./bench/intake";
import { round } from "./bench/load";
import { measurePipelineLatency, measurePipelineThroughput, placePaced, waitUntilShipped } from "./bench/pipeline";
import { requireProductionBuild, startBenchStack, type BenchStack } from "./bench/stack";

const CLIENTS = 32;
const WARMUP_SECONDS = 2;
// Paced below the pipeline's capacity, so the figures are latency, not queueing: each order
// costs roughly 80–150 ms of CPU across web, worker, simulators and Postgres, so 2 idle cores
// finish 15–25 orders/s.
const LATENCY_ORDERS = 200;
const LATENCY_ORDERS_PER_SECOND = 10;
// Unmeasured orders first: connection set-up and JIT would otherwise land in the p99.
const PIPELINE_WARMUP_ORDERS = 20;
const BURST_ORDERS = 500;

const log = (line: string) => console.log(`[bench] ${line}`);

async function main(): Promise<void> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const seconds = benchSeconds();
  const build = requireProductionBuild();
  // Measured before the app starts, so its build does not compete with the load phases.
  const firstLoadJs = measureBundleSizes(build.distDir, log);
  // Other work on the machine competes with every process of the app: note how much there was before we add ours.
  const loadBefore = os.loadavg()[0]!;
  const started = performance.now();
  log(`production build ${build.distDir}/ (${build.buildId}); starting the app on a fresh database…`);
  const stack = await startBenchStack(CLIENTS);
  stopOnSignal(stack);
  let report: object;
  try {
    log(`app up at ${stack.baseUrl} after ${elapsed(started)} s: ${stack.workerProcesses} worker process(es), database ${stack.database.name} on ${stack.database.where}`);
    log("simulated third parties at zero latency, rate limit lifted");
    report = { first_load_js: firstLoadJs, ...(await runPhases(stack, seconds, loadBefore)) };
  } finally {
    log(`stopping the app and dropping ${stack.database.name}…`);
    await stack.stop();
  }
  log(`done in ${elapsed(started)} s`);
  console.log(JSON.stringify(report));
}

async function runPhases(stack: BenchStack, seconds: number, loadBefore: number): Promise<object> {
  const machine = await describeMachine(stack.pool, loadBefore);
  log(`machine: ${machine.cpus} × ${machine.cpu_model}, ${machine.memory_gb} GB, Node ${machine.node}, PostgreSQL ${machine.postgres}, load ${machine.load_avg_1m}`);
  if (machine.load_avg_1m > machine.cpus / 2) log(`  warning: the machine was already busy before the run (1-minute load ${machine.load_avg_1m}); the figures will be lower than on an idle one`);

  log(`intake: POST /api/orders, ${CLIENTS} clients (one shopper each), ${WARMUP_SECONDS} s warm-up + ${seconds} s; no worker running yet…`);
  const intake = await measureIntake(stack.baseUrl, stack.apiKeys, WARMUP_SECONDS, seconds);
  log(`  ${round(intake.orders_per_s)} orders/s accepted, p50 ${ms(intake.p50_ms)}, p99 ${ms(intake.p99_ms)}, non-202: ${intake.non_202}`);

  const connections = env().DB_POOL_MAX;
  log(`raw baseline: BEGIN; INSERT; COMMIT with pg, ${CLIENTS} clients over ${connections} connections (the web pool's DB_POOL_MAX), ${seconds} s…`);
  const raw = await measureRawInserts(stack.database.url, stack.database.name, CLIENTS, connections, WARMUP_SECONDS, seconds);
  const ratio = intake.orders_per_s / raw.tx_per_s;
  log(`  ${round(raw.tx_per_s)} tx/s; intake / raw insert = ${round(ratio, 3)}`);

  const discarded = await discardIntakeBacklog(stack.pool);
  log(`starting ${stack.workerProcesses} worker process(es) (${discarded} queued intake jobs discarded first)…`);
  await stack.startWorkers();

  log(`pipeline latency: ${LATENCY_ORDERS} orders at ${LATENCY_ORDERS_PER_SECOND}/s (after ${PIPELINE_WARMUP_ORDERS} warm-up orders)…`);
  await waitUntilShipped(stack.pool, await placePaced(stack, PIPELINE_WARMUP_ORDERS, LATENCY_ORDERS_PER_SECOND));
  const { latency, steps } = await measurePipelineLatency(stack, LATENCY_ORDERS, LATENCY_ORDERS_PER_SECOND);
  log(`  accept→confirmed p50 ${ms(latency.confirmed_p50)}, p99 ${ms(latency.confirmed_p99)}`);
  log(`  accept→shipped   p50 ${ms(latency.shipped_p50)}, p99 ${ms(latency.shipped_p99)}`);
  log(`  each step, from the previous event (p50 / p99):`);
  for (const step of steps) log(`    → ${step.status.padEnd(20)} ${ms(step.p50_ms)} / ${ms(step.p99_ms)}`);

  log(`pipeline throughput: burst of ${BURST_ORDERS} orders, waiting until all have shipped…`);
  const throughput = await measurePipelineThroughput(stack, BURST_ORDERS);
  log(`  ${round(throughput.shipped_per_s)} orders/s from first accepted to last shipped`);

  return {
    machine,
    intake: { ...intake, orders_per_s: round(intake.orders_per_s), p50_ms: round(intake.p50_ms), p99_ms: round(intake.p99_ms) },
    raw_insert: { ...raw, tx_per_s: round(raw.tx_per_s) },
    intake_to_raw_ratio: round(ratio, 3),
    pipeline_latency_ms: Object.fromEntries(Object.entries(latency).map(([key, value]) => [key, round(value)])),
    pipeline_throughput: { ...throughput, shipped_per_s: round(throughput.shipped_per_s) },
  };
}

/**
 * The intake phase leaves thousands of queued jobs (no worker ran). Working them off would
 * take minutes and would skew the pipeline phases, so they are deleted — the benchmark's
 * database is dropped at the end anyway.
 */
async function discardIntakeBacklog(pool: pg.Pool): Promise<number> {
  const { rowCount } = await pool.query("DELETE FROM pgboss.job WHERE state IN ('created', 'retry')");
  return rowCount ?? 0;
}

async function describeMachine(pool: pg.Pool, loadAverage: number) {
  const cpus = os.cpus();
  const { rows } = await pool.query<{ server_version: string }>("SHOW server_version");
  return {
    cpus: cpus.length,
    cpu_model: cpus[0]?.model.trim() ?? "unknown",
    memory_gb: round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: rows[0]!.server_version,
    load_avg_1m: round(loadAverage, 2),
  };
}

function benchSeconds(): number {
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  if (!(seconds > 0)) {
    console.error(`[bench] BENCH_SECONDS must be a positive number of seconds, not "${process.env.BENCH_SECONDS}"`);
    process.exit(2);
  }
  return seconds;
}

/**
 * Ctrl-C still stops the app and drops the database. (Not with the embedded Postgres: its
 * library stops the server and exits on the same signal, so the database stays in DATA_DIR.)
 */
function stopOnSignal(stack: BenchStack): void {
  const abort = (signal: string) => {
    log(`${signal}: stopping the app and dropping ${stack.database.name}…`);
    void stack.stop().finally(() => process.exit(130));
  };
  process.once("SIGINT", abort);
  process.once("SIGTERM", abort);
}

const elapsed = (since: number) => round((performance.now() - since) / 1000);
const ms = (value: number) => `${round(value)} ms`;

main().catch((err) => {
  console.error("[bench] failed:", err instanceof Error ? err.message : err);
  process.exit(1);
});
