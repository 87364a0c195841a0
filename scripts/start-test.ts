/**
 * `npm run start:test`: the built app (`npm run build` first) for an end-to-end suite, as
 * docs/testing.md describes. The same processes as `npm start`, in production mode, with:
 *   - the test controls on (TEST_CONTROLS_TOKEN, default below);
 *   - job retries in seconds, so an outage dead-letters within a test;
 *   - private webhook targets allowed and the per-shopper rate limit out of the way;
 *   - a random secret for each of PAYMENT_WEBHOOK_SECRET, BETTER_AUTH_SECRET and ADMIN_PASSWORD
 *     not given (production refuses the committed development ones), and the admin's password
 *     set to the one printed;
 *   - a fresh database, dropped at exit, unless DATABASE_URL names one (which the suite's
 *     resets will then empty).
 * Every default gives way to the environment. It reads no .env: a development .env must not
 * point a suite at the development database its resets would wipe. Ctrl-C (or SIGTERM) stops it.
 */
import { randomBytes } from "node:crypto";
import { prepareDatabase } from "@/jobs/prepare-database";
import { env } from "@/server/env";
import { createTestDatabase } from "@/tests/support/test-postgres";
import { ensureTestPostgresServer } from "@/tests/support/test-postgres-server";
import { ensurePortsFree, PortInUseError, startProcesses, waitUntilHealthy } from "./processes";
import { SUITE_PROCESS_SETTINGS } from "./suite-settings";

/** Documented in docs/testing.md: the token a suite sends when it did not choose one. */
export const DEFAULT_TEST_CONTROLS_TOKEN = "conveyor-test-controls";

/** What start:test sets when the environment does not (docs/testing.md lists them). */
const SUITE_DEFAULTS: Record<string, string> = {
  ...SUITE_PROCESS_SETTINGS,
  TEST_CONTROLS_TOKEN: DEFAULT_TEST_CONTROLS_TOKEN,
  JOB_RETRY_LIMIT: "3",
  JOB_RETRY_DELAY_SECONDS: "1",
  JOB_RETRY_DELAY_MAX_SECONDS: "2",
  JOB_SUPERVISE_SECONDS: "2",
  RATE_LIMIT_PER_MINUTE: "1000000",
  // A suite's browser contexts all come from one address: per-address limits would be the
  // suite's ceiling, not an attacker's. Failed sign-ins per account keep their default.
  SIGN_IN_ATTEMPTS_PER_ADDRESS: "1000000",
  SIGN_UPS_PER_ADDRESS: "1000000",
  GUEST_SESSIONS_PER_ADDRESS: "1000000",
  SSE_MAX_STREAMS_PER_ADDRESS: "1000000",
  BEACON_RATE_LIMIT_PER_MINUTE: "1000000",
  ADMIN_EMAIL: "admin@conveyor.local",
};

const RANDOM_SECRETS: Record<string, () => string> = {
  PAYMENT_WEBHOOK_SECRET: () => `whsec_${randomBytes(32).toString("base64")}`,
  BETTER_AUTH_SECRET: () => randomBytes(32).toString("base64url"),
  ADMIN_PASSWORD: () => randomBytes(18).toString("base64url"),
};

function applyDefaults(): void {
  const unset = (name: string) => !process.env[name];
  for (const [name, value] of Object.entries(SUITE_DEFAULTS)) if (unset(name)) process.env[name] = value;
  for (const [name, make] of Object.entries(RANDOM_SECRETS)) if (unset(name)) process.env[name] = make();
}

/** The database given, or a new empty one on the test Postgres (tests/support/test-postgres-server.ts picks it). */
async function suiteDatabase(): Promise<{ url: string; where: string; drop(): Promise<void> }> {
  const given = env().DATABASE_URL;
  if (given) return { url: given, where: "DATABASE_URL (not dropped)", drop: async () => {} };
  const stopServer = await ensureTestPostgresServer();
  // template0 rather than the test template: this run's admin and queue policy are its own.
  const database = await createTestDatabase("template0");
  return {
    url: database.url,
    where: `a fresh database, ${database.name}, dropped at exit`,
    drop: async () => {
      await database.drop();
      await stopServer();
    },
  };
}

async function main(): Promise<void> {
  applyDefaults();
  const config = env();
  await ensurePortsFree([
    { port: config.PORT, variable: "PORT", role: "web server" },
    { port: config.SIMULATOR_PORT, variable: "SIMULATOR_PORT", role: "simulated third parties" },
  ]);
  const database = await suiteDatabase();
  let processes: ReturnType<typeof startProcesses> | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log("[start:test] stopping…");
    await processes?.stop();
    await database.drop().catch((err: unknown) => console.error("[start:test] could not drop the database:", err));
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  try {
    await prepareDatabase(database.url, { seed: config.SEED });
    processes = startProcesses({
      mode: "start",
      port: config.PORT,
      workers: config.WORKER_PROCESSES,
      env: { ...process.env, DATABASE_URL: database.url, APP_URL: config.APP_URL },
    });
    await waitUntilHealthy(`${config.APP_URL}/api/health`);
  } catch (err) {
    console.error("[start:test]", err instanceof PortInUseError ? err.message : err);
    await shutdown(1);
    return;
  }
  console.log(
    [
      "",
      "  Conveyor is up for end-to-end suites (production build, test controls on):",
      "",
      `    BASE_URL=${config.APP_URL}`,
      `    TEST_CONTROLS_TOKEN=${config.TEST_CONTROLS_TOKEN}`,
      `    ADMIN_EMAIL=${config.ADMIN_EMAIL}`,
      `    ADMIN_PASSWORD=${config.ADMIN_PASSWORD}`,
      "",
      `  Database: ${database.where}. Ctrl-C stops it. See docs/testing.md.`,
      "",
    ].join("\n"),
  );
}

main().catch((err) => {
  console.error("[start:test]", err instanceof PortInUseError ? err.message : err);
  process.exit(1);
});
