/** Picks the test Postgres and builds (once per schema) the template database every stack copies. */
import { prepareDatabase } from "@/jobs/prepare-database";
import { ensureTemplate } from "@/tests/support/test-postgres";
import { ensureTestPostgresServer } from "@/tests/support/test-postgres-server";

export default async function globalSetup(): Promise<() => Promise<void>> {
  const stopServer = await ensureTestPostgresServer();
  await ensureTemplate((url) => prepareDatabase(url, { seed: true }));
  return stopServer;
}
