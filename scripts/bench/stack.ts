/**
 * The app under benchmark: production build, fresh database, and web + workers + simulators
 * started by the same code as `npm start`, on free ports. Simulated third parties answer
 * with zero latency and the rate limiter is out of the way, so the figures measure Conveyor
 * itself.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { createApiKey } from "@/server/auth/api-keys";
import { createDatabase } from "@/server/db/client";
import { downstreamSettings } from "@/server/db/schema";
import { env } from "@/server/env";
import { freePort, startProcesses, waitUntilHealthy, type RunningProcesses } from "../processes";
import { createBenchDatabase, type BenchDatabase } from "./database";

export type BenchStack = {
  baseUrl: string;
  database: BenchDatabase;
  /** The benchmark's own connections, for reading order_events. */
  pool: pg.Pool;
  /** One API key per shopper, one shopper per load client. */
  apiKeys: string[];
  workerProcesses: number;
  /** The stack starts without workers (intake is measured alone); this starts them. */
  startWorkers(): Promise<void>;
  stop(): Promise<void>;
};

// High enough that no shopper is ever throttled during a run.
const UNLIMITED_RATE = "1000000000";

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

export async function startBenchStack(clients: number): Promise<BenchStack> {
  const database = await createBenchDatabase();
  const { db, pool } = createDatabase(database.url, 4);
  const [port, simulatorPort] = [await freePort(), await freePort()];
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
    })());
  try {
    await db.update(downstreamSettings).set({ baseLatencyMs: 0, jitterMs: 0, spikeLatencyMs: 0, spikeUntil: null, failureRate: 0, outage: false });
    const apiKeys: string[] = [];
    for (let i = 1; i <= clients; i++) apiKeys.push((await createApiKey(db, `bench-client-${i}@conveyor.test`)).key);
    processes = startProcesses({
      mode: "start",
      port,
      workers: 0,
      output: process.env.BENCH_LOGS ? "inherit" : "ignore",
      env: {
        ...process.env,
        NODE_ENV: "production",
        DATABASE_URL: database.url,
        APP_URL: baseUrl,
        SIMULATOR_PORT: String(simulatorPort),
        RATE_LIMIT_PER_MINUTE: UNLIMITED_RATE,
        NEXT_TELEMETRY_DISABLED: "1",
      },
    });
    await waitUntilHealthy(`${baseUrl}/api/health`, 90_000, { requireWorkers: false });
    const startWorkers = async () => {
      processes!.addWorkers(workerProcesses);
      await waitUntilHealthy(`${baseUrl}/api/health`, 90_000);
    };
    return { baseUrl, database, pool, apiKeys, workerProcesses, startWorkers, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

