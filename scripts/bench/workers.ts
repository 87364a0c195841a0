/**
 * The workers phase (BENCH_ONLY=workers, and part of the full run): the same build with one
 * worker process, then with one more, on the same Postgres, in the same run — the measured
 * point of docs/scaling.md. For each: pipeline throughput on a burst, the CPU per order of
 * every process by role (web, worker-1, worker-2, simulators, the Postgres backends), and
 * what would stop a third worker from helping:
 *   - the machine's CPU: all of its cores busy (ours and anybody else's, from /proc/stat);
 *   - Postgres: its backends' share of the stack's CPU;
 *   - waits inside Postgres: pg_stat_activity sampled every 100 ms — row locks, the NOTIFY
 *     queue's global lock (a heavyweight lock on object 0 of pg_database, taken at commit),
 *     LWLocks, I/O;
 *   - the pools: how many of each process's connections are busy on average against how many
 *     it holds (a pool whose connections are all busy makes its callers queue in the process);
 *   - NOTIFY: notifications and NOTIFY-bearing commits per second (scripts/bench/notify-count.ts).
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { startNotifyCounter } from "./notify-count";
import { round } from "./load";
import { discardQueuedJobs, measurePipelineThroughput, placeBurst, waitUntilShipped } from "./pipeline";
import { cpuSnapshot, cpuUsedBetween, postgresBackends, withDescendants, type CpuSnapshot } from "./process-cpu";
import { BENCH_APPLICATION_NAME, type BenchStack } from "./stack";

// Unmeasured orders on each new worker count: a fresh worker's connections and JIT would otherwise land in its figure.
const WARMUP_ORDERS = 50;
// Two bursts per worker count: one burst on a shared machine can be a neighbour's noise.
const RUNS_PER_COUNT = 2;
const SAMPLE_INTERVAL_MS = 100;
// Backends busier than this share of their pool, on average, are named as a pool wall.
const POOL_BUSY_WALL = 0.8;

export type WorkerCountResult = {
  worker_processes: number;
  runs_shipped_per_s: number[];
  shipped_per_s: number;
  /** Machine CPU per order (ms) by role, of the better run; `total` is their sum. */
  cpu_per_order_ms: Record<string, number>;
  /** Cores the stack kept busy on average (its CPU ÷ wall time), and the whole machine's (anybody's). */
  stack_cores_busy: number;
  machine_cores_busy: number;
  postgres_share: number;
  /** Share of sampled app backends in each state ("active", "idle in transaction", "waiting Lock:transactionid" …). */
  backend_states: Record<string, number>;
  /** By application_name: connections held and mean busy ones (not idle). */
  pools: Record<string, { connections: number; busy_mean: number }>;
  notify_per_s: number;
  notify_commits_per_s: number;
};

export type WorkerScalingResult = { counts: WorkerCountResult[]; speedup: number; wall: string[] };

type Log = (line: string) => void;

/**
 * Measures with the workers the stack runs now (starting one if none does), then with one
 * more. Queued jobs are discarded first so each burst starts on an empty queue.
 */
export async function measureWorkerScaling(stack: BenchStack, burst: number, log: Log): Promise<WorkerScalingResult> {
  const counts: WorkerCountResult[] = [];
  let running = workerRoots(stack).length;
  if (running === 0) await addWorkers(stack, (running = 1));
  for (const target of [running, running + 1]) {
    if (workerRoots(stack).length < target) await addWorkers(stack, target - workerRoots(stack).length);
    await discardQueuedJobs(stack.pool);
    await waitUntilShipped(stack.pool, await placeBurst(stack, WARMUP_ORDERS));
    const runs: RunFigures[] = [];
    for (let run = 1; run <= RUNS_PER_COUNT; run++) {
      const figures = await measureRun(stack, burst);
      runs.push(figures);
      log(`  ${target} worker process(es), run ${run}: ${round(figures.shippedPerS)} orders/s, CPU per order ${describeCpu(figures.cpuPerOrder)}; machine ${round(figures.machineCores, 2)} of ${os.cpus().length} cores busy (the stack ${round(figures.stackCores, 2)})`);
    }
    const best = runs.reduce((a, b) => (b.shippedPerS > a.shippedPerS ? b : a));
    const result = summarise(target, runs, best);
    counts.push(result);
    log(`    Postgres ${round(result.postgres_share * 100)} % of the stack's CPU; backends: ${describeShares(result.backend_states)}`);
    log(`    pools (busy of held): ${Object.entries(result.pools).map(([app, p]) => `${app} ${p.busy_mean}/${p.connections}`).join(", ")}; NOTIFY ${result.notify_per_s}/s in ≥ ${result.notify_commits_per_s} commits/s`);
  }
  const [one, two] = counts as [WorkerCountResult, WorkerCountResult];
  const speedup = two.shipped_per_s / one.shipped_per_s;
  const wall = wallOf(two, speedup);
  log(`  ${one.worker_processes} → ${two.worker_processes} worker processes: × ${round(speedup, 2)} orders/s; the wall: ${wall.join("; ")}`);
  return { counts, speedup: round(speedup, 2), wall };
}

type RunFigures = {
  shippedPerS: number;
  cpuPerOrder: Record<string, number>;
  stackCores: number;
  machineCores: number;
  samples: BackendSample[][];
  notifies: number;
  notifyCommits: number;
  seconds: number;
};

async function measureRun(stack: BenchStack, burst: number): Promise<RunFigures> {
  const notifyCounter = await startNotifyCounter(stack.database.url);
  const sampler = sampleBackends(stack);
  const machineBefore = machineBusySeconds();
  const before = await cpuByRole(stack);
  const started = performance.now();
  try {
    const throughput = await measurePipelineThroughput(stack, burst);
    const seconds = (performance.now() - started) / 1000;
    const after = await cpuByRole(stack);
    const machineCores = (machineBusySeconds() - machineBefore) / seconds;
    const cpuPerOrder: Record<string, number> = {};
    let stackSeconds = 0;
    for (const [role, snapshot] of after) {
      const used = cpuUsedBetween(before.get(role) ?? new Map(), snapshot).total_s;
      cpuPerOrder[role] = (used * 1000) / throughput.orders;
      stackSeconds += used;
    }
    cpuPerOrder.total = (stackSeconds * 1000) / throughput.orders;
    const { notifications, commits } = await notifyCounter.stop();
    const notifies = Object.values(notifications).reduce((a, b) => a + b, 0);
    return { shippedPerS: throughput.shipped_per_s, cpuPerOrder, stackCores: stackSeconds / seconds, machineCores, samples: await sampler.stop(), notifies, notifyCommits: commits, seconds };
  } finally {
    await notifyCounter.stop();
    await sampler.stop();
  }
}

/** CPU snapshots keyed by role: each launcher child with its descendants, and "postgres" for the app's backends. */
async function cpuByRole(stack: BenchStack): Promise<Map<string, CpuSnapshot>> {
  const byRole = new Map<string, CpuSnapshot>();
  for (const root of stack.processRoots()) byRole.set(root.role, cpuSnapshot(withDescendants([root])));
  byRole.set("postgres", cpuSnapshot(await postgresBackends(stack.pool, BENCH_APPLICATION_NAME)));
  return byRole;
}

/** Busy CPU seconds of the whole machine so far (all cores, every process, /proc/stat). */
function machineBusySeconds(): number {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!.trim().split(/\s+/).map(Number);
  // Idle and iowait (fields 4 and 5) are not busy. /proc/stat counts in USER_HZ, 100 on every Linux the bench runs on.
  return (user! + nice! + system! + irq! + softirq! + steal!) / 100;
}

type BackendSample = { app: string; state: string };

/** Samples the app's backends in pg_stat_activity until stopped. */
function sampleBackends(stack: BenchStack): { stop(): Promise<BackendSample[][]> } {
  const samples: BackendSample[][] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await stack.pool.query<{ app: string; state: string | null; wait: string | null }>(
        `SELECT application_name AS app, state, wait_event_type || ':' || wait_event AS wait
           FROM pg_stat_activity
          WHERE datname = current_database() AND backend_type = 'client backend' AND application_name <> $1`,
        [BENCH_APPLICATION_NAME],
      );
      // A backend that waits on the client (ClientRead) is idle from Postgres's side, whatever its state says.
      samples.push(rows.map((r) => ({ app: r.app, state: r.state === "idle" || !r.wait || r.wait.startsWith("Client:") ? (r.state ?? "unknown") : `waiting ${r.wait}` })));
      await sleep(SAMPLE_INTERVAL_MS);
    }
  })().catch(() => {});
  return {
    async stop() {
      running = false;
      await loop;
      return samples;
    },
  };
}

function summarise(workerProcesses: number, runs: RunFigures[], best: RunFigures): WorkerCountResult {
  const samples = runs.flatMap((r) => r.samples);
  const states: Record<string, number> = {};
  let busySamples = 0;
  for (const sample of samples) {
    for (const { state } of sample) {
      if (state === "idle") continue;
      states[state] = (states[state] ?? 0) + 1;
      busySamples++;
    }
  }
  const pools: Record<string, { connections: number; busy_mean: number }> = {};
  for (const sample of samples) {
    for (const { app, state } of sample) {
      const pool = (pools[app] ??= { connections: 0, busy_mean: 0 });
      if (state !== "idle") pool.busy_mean += 1 / samples.length;
    }
  }
  for (const [app, pool] of Object.entries(pools)) {
    pool.connections = Math.max(...samples.map((s) => s.filter((b) => b.app === app).length));
    pool.busy_mean = round(pool.busy_mean, 2);
  }
  const postgres = best.cpuPerOrder.postgres ?? 0;
  const seconds = runs.reduce((a, r) => a + r.seconds, 0);
  return {
    worker_processes: workerProcesses,
    runs_shipped_per_s: runs.map((r) => round(r.shippedPerS)),
    shipped_per_s: round(best.shippedPerS),
    cpu_per_order_ms: Object.fromEntries(Object.entries(best.cpuPerOrder).map(([role, ms]) => [role, round(ms, 2)])),
    stack_cores_busy: round(best.stackCores, 2),
    machine_cores_busy: round(best.machineCores, 2),
    postgres_share: round(postgres / best.cpuPerOrder.total!, 3),
    backend_states: Object.fromEntries(Object.entries(states).map(([state, n]) => [state, round(n / Math.max(busySamples, 1), 3)]).sort((a, b) => Number(b[1]) - Number(a[1]))),
    pools,
    notify_per_s: round(runs.reduce((a, r) => a + r.notifies, 0) / seconds),
    notify_commits_per_s: round(runs.reduce((a, r) => a + r.notifyCommits, 0) / seconds),
  };
}

/** What the figures say stops the next worker process from adding throughput, most binding first. */
function wallOf(result: WorkerCountResult, speedup: number): string[] {
  const cpus = os.cpus().length;
  const wall: string[] = [];
  if (result.machine_cores_busy >= 0.85 * cpus) {
    wall.push(`the machine's CPU: ${result.machine_cores_busy} of ${cpus} cores busy (${result.stack_cores_busy} of them the stack's), so another worker only takes cores from the others`);
  }
  wall.push(`Postgres is ${round(result.postgres_share * 100)} % of the stack's CPU per order (${result.cpu_per_order_ms.postgres} of ${result.cpu_per_order_ms.total} ms): on its own machine it would be the first process to fill its cores`);
  const waits = Object.entries(result.backend_states).filter(([state]) => state.startsWith("waiting"));
  const waiting = waits.reduce((a, [, share]) => a + share, 0);
  if (waits.length > 0) wall.push(`busy backends spent ${round(waiting * 100)} % of samples waiting (${waits.slice(0, 3).map(([s, share]) => `${s.replace("waiting ", "")} ${round(share * 100)} %`).join(", ")})`);
  const [busiest, pool] = Object.entries(result.pools).sort(([, a], [, b]) => b.busy_mean / b.connections - a.busy_mean / a.connections)[0] ?? [];
  if (busiest && pool) {
    const share = pool.busy_mean / pool.connections;
    wall.push(`the busiest pool, ${busiest}, had ${pool.busy_mean} of its ${pool.connections} connections checked out on average${share >= POOL_BUSY_WALL ? " — near full: its callers queue for connections" : ""}`);
  }
  if (speedup < 1.1) wall.push(`a second worker process added ${round((speedup - 1) * 100)} % — the workers' own CPU (${workerMs(result)} ms per order) is not what limits`);
  return wall;
}

const workerMs = (result: WorkerCountResult) =>
  round(Object.entries(result.cpu_per_order_ms).filter(([role]) => role.startsWith("worker")).reduce((a, [, ms]) => a + ms, 0), 2);

const workerRoots = (stack: BenchStack) => stack.processRoots().filter((root) => root.group === "workers");

/** Starts `count` more workers and waits until each has registered its heartbeat (it works its queues from then on). */
async function addWorkers(stack: BenchStack, count: number): Promise<void> {
  const wanted = workerRoots(stack).length + count;
  await stack.addWorkers(count);
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const pids = workerRoots(stack).map((root) => root.pid);
    const { rows } = await stack.pool.query<{ n: number }>("SELECT count(DISTINCT pid)::int AS n FROM worker_heartbeats WHERE pid = ANY($1)", [pids]);
    if (pids.length >= wanted && rows[0]!.n >= wanted) return;
    await sleep(200);
  }
  throw new Error(`${count} more worker process(es) did not start working within 90 s; run with BENCH_LOGS=1 to see why`);
}

const describeCpu = (cpu: Record<string, number>) =>
  `${round(cpu.total ?? 0)} ms (${Object.entries(cpu).filter(([role]) => role !== "total").map(([role, ms]) => `${role} ${round(ms, 1)}`).join(", ")})`;

const describeShares = (shares: Record<string, number>) =>
  Object.entries(shares).slice(0, 5).map(([state, share]) => `${state} ${round(share * 100)} %`).join(", ");
