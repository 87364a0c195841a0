/**
 * A whole Conveyor (web + workers + simulators, production build) on its own database and
 * ports, for a Playwright worker (the `stack` fixture of e2e/support/fixtures.ts). Started
 * with the same code as `npm start`, with the test controls of docs/testing.md on
 * (TEST_CONTROLS_TOKEN; pass it as "" for a stack without them).
 */
import { eq } from "drizzle-orm";
import { createApiKey } from "@/server/auth/api-keys";
import { createDatabase, type Database } from "@/server/db/client";
import { downstreamSettings, shoppers, type DownstreamService } from "@/server/db/schema";
import { freePortPair, generatedSecrets, startProcesses, waitUntilHealthy, type RunningProcesses } from "@/scripts/processes";
import { SUITE_PROCESS_SETTINGS } from "@/scripts/suite-settings";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-postgres";
import pg from "pg";

export type Shopper = { id: string; email: string; apiKey: string; headers: Record<string, string> };

/**
 * Postgres connections one busy stack may hold at once, the suite's own included: web 4, its
 * pg-boss sends 2, the event listener 1, worker 4 (WORKER_DB_POOL_MAX, decision 053) and its
 * pg-boss 4 (the same WORKER_DB_POOL_MAX, decision 054) + LISTEN 1, simulators 4 + their
 * listener 1, the suite's pool 2 — 23, and room to spare. The global
 * setup warns when the server has no room for one per Playwright worker.
 */
export const CONNECTIONS_PER_STACK = 30;

/** The token of every stack's test controls, unless a file's stackEnv sets another. */
export const E2E_TEST_CONTROLS_TOKEN = "conveyor-e2e-test-controls";

export type Stack = {
  baseURL: string;
  /** The stack's TEST_CONTROLS_TOKEN ("" when it runs without test controls). */
  testControlsToken: string;
  /** Calls a test control, `/api/test/{path}`, with the stack's token (docs/testing.md). */
  testControl(method: "GET" | "POST" | "PUT", path: string, body?: unknown): Promise<Response>;
  databaseUrl: string;
  db: Database;
  pool: pg.Pool;
  processes: RunningProcesses;
  /** PAYMENT_WEBHOOK_SECRET of this stack (generated unless its stackEnv sets one). */
  webhookSecret: string;
  /** HEALTH_TOKEN of this stack: `Authorization: Bearer` it to see /api/health's details. */
  healthToken: string;
  newShopper(options?: { admin?: boolean }): Promise<Shopper>;
  /** Waits (up to 10 s) for work in flight to finish, then resets the shop: POST /api/test/settle, /api/test/reset. */
  resetShop(): Promise<void>;
  setDownstream(service: DownstreamService, settings: Partial<typeof downstreamSettings.$inferInsert>): Promise<void>;
  /**
   * The processes' output lines so far (the last MAX_CAPTURED_LINES), each with its role; kept
   * only when the stackEnv sets STACK_CAPTURE_LOGS=1, else always empty.
   */
  logLines(): { role: string; line: string }[];
  stop(): Promise<void>;
};

const MAX_CAPTURED_LINES = 20_000;


let shopperCounter = 0;

export async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  const testControlsToken = env.TEST_CONTROLS_TOKEN ?? E2E_TEST_CONTROLS_TOKEN;
  const database: TestDatabase = await createTestDatabase();
  const [port, simulatorPort] = await freePortPair();
  const baseURL = `http://127.0.0.1:${port}`;
  // Production mode: secrets of its own, generated unless `env` (a file's stackEnv) chooses them.
  const settings = { ...generatedSecrets(), ...env };
  const captured: { role: string; line: string }[] = [];
  const capture = (role: string, line: string) => {
    captured.push({ role, line });
    if (captured.length > MAX_CAPTURED_LINES) captured.splice(0, captured.length - MAX_CAPTURED_LINES);
  };
  const processes = startProcesses({
    mode: "start",
    port,
    workers: Number(env.WORKER_PROCESSES ?? 1),
    output: env.STACK_CAPTURE_LOGS === "1" ? capture : process.env.STACK_LOGS ? "inherit" : "ignore",
    env: {
      ...process.env,
      ...SUITE_PROCESS_SETTINGS,
      DATABASE_URL: database.url,
      APP_URL: baseURL,
      SIMULATOR_PORT: String(simulatorPort),
      // Three stacks share one Postgres: these keep each within CONNECTIONS_PER_STACK. On two
      // cores more connections per process only queue inside Postgres instead of in the pool.
      WORKER_CONCURRENCY: "4",
      DB_POOL_MAX: "4",
      TEST_CONTROLS_TOKEN: testControlsToken,
      ...settings,
    },
  });
  const { db, pool } = createDatabase(database.url, 2);
  // The suite's own idle connections die when a test stops or cuts off Postgres on purpose
  // (api/database-outages.spec.ts: 57P01, "terminating connection due to administrator
  // command"); the pool replaces them, and the app's error log line for each was noise in
  // the run's output. Any other idle-connection error is still logged.
  pool.removeAllListeners("error");
  pool.on("error", (err: Error & { code?: string }) => {
    if (err.code !== "57P01") console.error("suite database pool: idle client error", err);
  });
  try {
    await waitUntilHealthy(`${baseURL}/api/health`, 90_000);
  } catch (err) {
    await processes.stop();
    await pool.end();
    await database.drop();
    throw err;
  }
  const testControl: Stack["testControl"] = (method, path, body) =>
    fetch(`${baseURL}/api/test/${path}`, {
      method,
      headers: { Authorization: `Bearer ${testControlsToken}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    baseURL,
    testControlsToken,
    testControl,
    async resetShop() {
      // A previous file may leave work that never settles (a step in a held outage); the
      // reset takes it away too, so a timeout here is not an error.
      const settled = await testControl("POST", "settle?timeout_s=10");
      if (!settled.ok) throw new Error(`settle answered ${settled.status}: ${await settled.text()}`);
      const reset = await testControl("POST", "reset");
      if (reset.status !== 204) throw new Error(`reset answered ${reset.status}: ${await reset.text()}`);
    },
    databaseUrl: database.url,
    db,
    pool,
    processes,
    webhookSecret: settings.PAYMENT_WEBHOOK_SECRET,
    healthToken: settings.HEALTH_TOKEN,
    async newShopper(options = {}) {
      const email = `shopper${++shopperCounter}.${process.pid}.${Date.now()}@example.test`;
      const { shopper, key } = await createApiKey(db, email);
      if (options.admin) await db.update(shoppers).set({ role: "admin" }).where(eq(shoppers.id, shopper.id));
      return { id: shopper.id, email, apiKey: key, headers: { Authorization: `Bearer ${key}` } };
    },
    async setDownstream(service, settings) {
      await db.update(downstreamSettings).set(settings).where(eq(downstreamSettings.service, service));
    },
    logLines: () => [...captured],
    async stop() {
      await processes.stop();
      await pool.end();
      await database.drop();
    },
  };
}
