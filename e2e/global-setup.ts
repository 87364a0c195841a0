/** Picks the test Postgres and builds (once per schema) the template database every stack copies. */
import type { FullConfig } from "@playwright/test";
import { prepareDatabase } from "@/jobs/prepare-database";
import { ensureTemplate, freeConnections } from "@/tests/support/test-postgres";
import { ensureTestPostgresServer } from "@/tests/support/test-postgres-server";
import { CONNECTIONS_PER_STACK } from "./support/stack";

export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  const stopServer = await ensureTestPostgresServer();
  try {
    await checkRoomForStacks(config.workers);
    await ensureTemplate((url) => prepareDatabase(url, { seed: true }));
  } catch (err) {
    await stopServer();
    throw err;
  }
  return stopServer;
}

/**
 * Each Playwright worker runs a stack (e2e/support/fixtures.ts). A server without room for
 * all of them would fail some test halfway with "too many clients"; say so before any starts.
 */
async function checkRoomForStacks(workers: number): Promise<void> {
  const free = await freeConnections();
  const needed = workers * CONNECTIONS_PER_STACK;
  if (free < needed) {
    throw new Error(
      `the test Postgres takes ${free} more connections, and ${workers} Playwright workers need about ${needed} ` +
        `(${CONNECTIONS_PER_STACK} per stack): run with E2E_WORKERS=${Math.max(1, Math.floor(free / CONNECTIONS_PER_STACK))}, ` +
        `raise the server's max_connections, or close what else holds its connections`,
    );
  }
}
