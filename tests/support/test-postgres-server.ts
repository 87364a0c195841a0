/**
 * Chooses the Postgres server the tests run on, so `npm test` works on any machine:
 *   1. TEST_DATABASE_URL when it is set (and then nothing else: a wrong URL should fail loudly);
 *   2. else the local server on 127.0.0.1:5432 when it answers;
 *   3. else an embedded Postgres (data in .data/test, port TEST_PG_PORT or 54330), started
 *      here and stopped by the returned teardown.
 * The choice is exported as TEST_DATABASE_URL, which the test workers and stacks inherit.
 */
import { ensureEmbeddedPostgres, postgresAnswers } from "@/server/db/embedded-postgres";
import { LOCAL_POSTGRES_URL } from "./test-postgres";

export async function ensureTestPostgresServer(): Promise<() => Promise<void>> {
  if (process.env.TEST_DATABASE_URL) return async () => {};
  if (await postgresAnswers(LOCAL_POSTGRES_URL)) {
    process.env.TEST_DATABASE_URL = LOCAL_POSTGRES_URL;
    return async () => {};
  }
  console.error("[tests] no Postgres on 127.0.0.1:5432: using an embedded one");
  const server = await ensureEmbeddedPostgres(".data/test", Number(process.env.TEST_PG_PORT ?? 54330));
  const admin = new URL(server.url);
  admin.pathname = "/postgres";
  process.env.TEST_DATABASE_URL = admin.toString();
  return server.stop;
}
