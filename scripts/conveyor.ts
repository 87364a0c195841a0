/**
 * `npm run dev` / `npm start`: the whole app on one machine. With DATABASE_URL unset it
 * starts an embedded Postgres under .data/; then it migrates, seeds an empty database and
 * runs the simulators, WORKER_PROCESSES workers and the web server until Ctrl-C, restarting
 * any of them that crashes. A port already taken stops it at once, naming the variable to change.
 */
import { loadConfiguration, openDatabase } from "./process-startup";
import { ensureProductionBuild, ensurePortsFree, MissingBuildError, PortInUseError, startProcesses, waitUntilHealthy, type Mode } from "./processes";

async function main(): Promise<void> {
  const mode = process.argv[2] as Mode;
  if (mode !== "dev" && mode !== "start") throw new Error("usage: conveyor dev|start");
  // Before anything starts (Postgres, children): a configuration that must not run stops here.
  const config = loadConfiguration("launcher");
  if (mode === "start") ensureProductionBuild();
  await ensurePortsFree([
    { port: config.PORT, variable: "PORT", role: "web server" },
    { port: config.SIMULATOR_PORT, variable: "SIMULATOR_PORT", role: "simulated third parties" },
  ]);

  // Loaded only now: migrations, pg-boss and drizzle are most of the launcher's start-up
  // (0.8 s of CPU of its 1.6), which a refused configuration or a taken port never needs.
  const { prepareDatabase } = await import("@/jobs/prepare-database");
  const database = await openDatabase(config);
  if (database.embedded) console.log(`[launcher] embedded Postgres on port ${config.EMBEDDED_PG_PORT} (data in ${config.DATA_DIR}/pg)`);
  await prepareDatabase(database.url, { seed: config.SEED });

  const processes = startProcesses({
    mode,
    port: config.PORT,
    workers: config.WORKER_PROCESSES,
    env: { ...process.env, DATABASE_URL: database.url, APP_URL: config.APP_URL },
  });

  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log("[launcher] stopping…");
    await processes.stop();
    await database.stop().catch(() => {});
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  await waitUntilHealthy(`${config.APP_URL}/api/health`);
  console.log(`\n  Conveyor is up: ${config.APP_URL}\n`);
}

main().catch((err) => {
  console.error("[launcher]", err instanceof PortInUseError || err instanceof MissingBuildError ? err.message : err);
  process.exit(1);
});
