/**
 * A fresh, migrated and seeded database for one benchmark run, dropped afterwards.
 *
 * Preferred: the test Postgres (TEST_DATABASE_URL, default 127.0.0.1:5432), copying the
 * same template database the end-to-end suite uses. Otherwise a new database on the server
 * of DATABASE_URL, or, when that is unset too, in the embedded Postgres of `npm run dev`.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { postgresAnswers } from "@/server/db/embedded-postgres";
import { prepareDatabase } from "@/jobs/prepare-database";
import { env } from "@/server/env";
import { adminUrl, createTestDatabase, ensureTemplate } from "@/tests/support/test-postgres";
import { openDatabase } from "../process-startup";

export type BenchDatabase = { name: string; url: string; where: string; drop(): Promise<void> };

const seeded = (url: string) => prepareDatabase(url, { seed: true });

export async function createBenchDatabase(): Promise<BenchDatabase> {
  if (await postgresAnswers(adminUrl())) {
    const database = await createTestDatabase(await ensureTemplate(seeded));
    return { ...database, where: `test Postgres ${hostOf(adminUrl())}` };
  }
  const server = await openDatabase(env());
  return freshDatabaseOn(server.url, `${server.embedded ? "embedded Postgres" : "DATABASE_URL server"} ${hostOf(server.url)}`, server.stop);
}

/** CREATE DATABASE next to the one `serverUrl` names, then migrate and seed it. */
async function freshDatabaseOn(serverUrl: string, where: string, stopServer: () => Promise<void>): Promise<BenchDatabase> {
  const name = `conveyor_bench_${randomBytes(5).toString("hex")}`;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const onServer = (statement: string) => withClient(serverUrl, (c) => c.query(statement));
  const drop = async () => {
    try {
      await onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await stopServer();
    }
  };
  try {
    await onServer(`CREATE DATABASE "${name}"`);
    await seeded(url.toString());
  } catch (err) {
    await drop().catch(() => {});
    throw err;
  }
  return { name, url: url.toString(), where, drop };
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function hostOf(url: string): string {
  return new URL(url).host;
}
