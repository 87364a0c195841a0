import { prepareDatabase } from "@/jobs/prepare-database";
import { ensureTemplate } from "./test-postgres";
import { ensureTestPostgresServer } from "./test-postgres-server";

/** Picks the test Postgres; one migrated, seeded template per schema; each test file copies it. */
export default async function setup(): Promise<() => Promise<void>> {
  const stopServer = await ensureTestPostgresServer();
  await ensureTemplate((url) => prepareDatabase(url, { seed: true }));
  return stopServer;
}
