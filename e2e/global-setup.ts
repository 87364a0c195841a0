/** Picks the test Postgres and builds (once per schema) the template database every stack copies. */
import type { FullConfig } from "@playwright/test";
import { prepareDatabase } from "@/jobs/prepare-database";
import { ensureTemplate, freeConnections } from "@/tests/support/test-postgres";
import { ensureTestPostgresServer } from "@/tests/support/test-postgres-server";
import { CONNECTIONS_PER_STACK } from "./support/stack";

export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  const stopServer = await ensureTestPostgresServer();
  try {
    await warnWithoutRoomForStacks(config.workers);
    await ensureTemplate((url) => prepareDatabase(url, { seed: true }));
  } catch (err) {
    await stopServer();
    throw err;
  }
  return stopServer;
}

/**
 * Each Playwright worker runs a stack (e2e/support/fixtures.ts). On a server without room for
 * all of them some test would fail halfway on "too many clients": say why before any starts.
 * A warning, not a failure: `workers` is the configured count, and a run of one file (or a
 * server shared with a dev stack) may well fit in less.
 */
async function warnWithoutRoomForStacks(workers: number): Promise<void> {
  const free = await freeConnections();
  const needed = workers * CONNECTIONS_PER_STACK;
  if (free < needed) {
    console.warn(
      `[e2e] the test Postgres takes ${free} more connections, and ${workers} Playwright workers may need ${needed} ` +
        `(${CONNECTIONS_PER_STACK} per stack): a test may fail on "too many clients". ` +
        `E2E_WORKERS=${Math.max(1, Math.floor(free / CONNECTIONS_PER_STACK))} fits, as would a larger max_connections.`,
    );
  }
}
