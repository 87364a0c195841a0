/**
 * The app under benchmark: production build, fresh database, and web + workers + simulators
 * started by the same code as `npm start`, on free ports. Simulated third parties answer
 * with zero latency and the rate limiter and the stream caps are out of the way, so the
 * figures measure Conveyor itself.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { drizzle } from "drizzle-orm/node-postgres";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { createApiKey } from "@/server/auth/api-keys";
import * as schema from "@/server/db/schema";
import { downstreamSettings } from "@/server/db/schema";
import { env } from "@/server/env";
import { freePortPair, generatedSecrets, startProcesses, waitUntilHealthy, type RunningProcesses } from "../processes";
import { createBenchDatabase, type BenchDatabase } from "./database";
import type { ProcessGroup } from "./process-cpu";

export type BenchStack = {
  baseUrl: string;
  database: BenchDatabase;
  /** The benchmark's own connections, for reading order_events. */
  pool: pg.Pool;
  /** One API key per shopper, one shopper per load client. */
  apiKeys: string[];
  /** API key by shopper id (to open the SSE stream of an order placed by that shopper). */
  apiKeyOfShopper: Map<string, string>;
  /** The app's processes right now: each child the launcher started, by group and role ("web", "worker-2" …). */
  processRoots(): { pid: number; group: ProcessGroup; role: string }[];
  /** The web process's pid (the one serving baseUrl). */
  webPid(): number;
  /** Asks process `pid` to collect garbage and report its memory (scripts/bench/memory-probe.mjs). */
  memoryAfterGc(pid: number): Promise<ProbedMemory>;
  workerProcesses: number;
  /** The stack starts without workers (intake is measured alone); this starts them. */
  startWorkers(): Promise<void>;
  /** Starts `count` more worker processes and waits until the stack is healthy (the workers phase scales 1 → 2). */
  addWorkers(count: number): Promise<void>;
  stop(): Promise<void>;
};

export type ProbedMemory = { rss: number; rssAnon: number; rssFile: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number; gc: boolean };

// High enough that no shopper is ever throttled during a run.
const UNLIMITED_RATE = "1000000000";
const UNLIMITED_STREAMS = "1000000";
/** The benchmark's own connections, told apart from the app's in pg_stat_activity. */
export const BENCH_APPLICATION_NAME = "conveyor-bench";
const MEMORY_PROBE = path.resolve(import.meta.dirname, "memory-probe.mjs");

/** Returns the BUILD_ID of the production build `next start` will serve, or exits explaining how to make one. */
export function requireProductionBuild(): { distDir: string; buildId: string } {
  const distDir = process.env.NEXT_DIST_DIR ?? ".next";
  const buildIdFile = path.resolve(distDir, "BUILD_ID");
  if (!existsSync(buildIdFile)) {
    const hint = process.env.NEXT_DIST_DIR ? `NEXT_DIST_DIR=${distDir} npm run build` : "npm run build";
    console.error(`[bench] no production build in ${distDir}/ (BUILD_ID missing). The benchmark runs the app as production does: run \`${hint}\` first.`);
    process.exit(1);
  }
  return { distDir, buildId: readFileSync(buildIdFile, "utf8").trim() };
}

/** `environment` overrides the app's (BENCH_ONLY=tracing starts stacks with tracing off and on). */
export async function startBenchStack(clients: number, environment: Record<string, string> = {}): Promise<BenchStack> {
  const database = await createBenchDatabase();
  const pool = new pg.Pool({ connectionString: database.url, max: 4, application_name: BENCH_APPLICATION_NAME });
  const db = drizzle(pool, { schema });
  const probeDir = mkdtempSync(path.join(os.tmpdir(), "conveyor-bench-"));
  const [port, simulatorPort] = await freePortPair();
  const baseUrl = `http://127.0.0.1:${port}`;
  const workerProcesses = env().WORKER_PROCESSES;
  let processes: RunningProcesses | undefined;
  // Once only: a signal and the run's own `finally` may both ask for it.
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await processes?.stop().catch((err: Error) => console.error("[bench] stopping the app:", err.message));
      await pool.end().catch(() => {});
      await database.drop().catch((err: Error) => console.error(`[bench] dropping database ${database.name}:`, err.message));
      rmSync(probeDir, { recursive: true, force: true });
    })());
  try {
    await db.update(downstreamSettings).set({ baseLatencyMs: 0, jitterMs: 0, spikeLatencyMs: 0, spikeUntil: null, failureRate: 0, outage: false });
    const apiKeys: string[] = [];
    const apiKeyOfShopper = new Map<string, string>();
    for (let i = 1; i <= clients; i++) {
      const { shopper, key } = await createApiKey(db, `bench-client-${i}@conveyor.test`);
      apiKeys.push(key);
      apiKeyOfShopper.set(shopper.id, key);
    }
    processes = startProcesses({
      mode: "start",
      port,
      workers: 0,
      output: process.env.BENCH_LOGS ? "inherit" : "ignore",
      env: {
        ...process.env,
        NODE_ENV: "production",
        // Production refuses the committed development secrets.
        ...generatedSecrets(),
        DATABASE_URL: database.url,
        APP_URL: baseUrl,
        SIMULATOR_PORT: String(simulatorPort),
        RATE_LIMIT_PER_MINUTE: UNLIMITED_RATE,
        // The SSE phase opens 1,000 streams from 127.0.0.1, about 31 per shopper.
        SSE_MAX_STREAMS_PER_SHOPPER: UNLIMITED_STREAMS,
        SSE_MAX_STREAMS_PER_ADDRESS: UNLIMITED_STREAMS,
        SSE_MAX_STREAMS: UNLIMITED_STREAMS,
        NEXT_TELEMETRY_DISABLED: "1",
        // Lets the benchmark read a process's memory after GC (memory-probe.mjs).
        NODE_OPTIONS: [process.env.NODE_OPTIONS, "--expose-gc", `--import=${pathToFileURL(MEMORY_PROBE).href}`].filter(Boolean).join(" "),
        BENCH_PROBE_DIR: probeDir,
        ...environment,
      },
    });
    await waitUntilHealthy(`${baseUrl}/api/health`, 90_000, { requireWorkers: false });
    const addWorkers = async (count: number) => {
      processes!.addWorkers(count);
      await waitUntilHealthy(`${baseUrl}/api/health`, 90_000);
    };
    const startWorkers = () => addWorkers(workerProcesses);
    const children = () => [...processes!.children];
    const processRoots = () => children().flatMap(([role, child]) => (child.pid ? [{ pid: child.pid, group: groupOf(role), role }] : []));
    const webPid = () => processes!.children.get("web")!.pid!;
    const memoryAfterGc = (pid: number) => probeMemory(probeDir, pid);
    return { baseUrl, database, pool, apiKeys, apiKeyOfShopper, workerProcesses, processRoots, webPid, memoryAfterGc, startWorkers, addWorkers, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}


function groupOf(role: string): ProcessGroup {
  if (role.startsWith("worker")) return "workers";
  if (role === "simulators") return "simulators";
  return "web";
}

/** SIGUSR2 to the process, then waits for the fresh report its memory probe writes. */
async function probeMemory(probeDir: string, pid: number): Promise<ProbedMemory> {
  const file = path.join(probeDir, `memory-${pid}.json`);
  const asked = Date.now();
  process.kill(pid, "SIGUSR2");
  const deadline = asked + 10_000;
  while (Date.now() < deadline) {
    if (existsSync(file)) {
      const report = JSON.parse(readFileSync(file, "utf8")) as ProbedMemory & { at: number };
      if (report.at >= asked) return report;
    }
    await sleep(50);
  }
  throw new Error(`process ${pid} did not report its memory (is scripts/bench/memory-probe.mjs preloaded?)`);
}
