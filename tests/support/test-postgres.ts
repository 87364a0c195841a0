/**
 * Test databases on a real Postgres (TEST_DATABASE_URL; see test-postgres-server.ts for how
 * it is chosen). A template database is migrated and seeded once per run; every test file
 * then gets its own copy (CREATE DATABASE … TEMPLATE), so files run in parallel without
 * seeing each other's orders, stock or simulator settings.
 */
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";

export const LOCAL_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres";

/** The server tests create their databases on (read when called: global setup may set it). */
export function adminUrl(): string {
  return process.env.TEST_DATABASE_URL ?? LOCAL_POSTGRES_URL;
}

function urlFor(database: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * The files whose content decides what the template holds besides the migrations: the queues
 * pg-boss is given (their names come from the step table) and how they are set up.
 */
const QUEUE_SOURCES = ["server/pipeline/steps.ts", "jobs/queues.ts", "jobs/setup-queues.ts", "jobs/prepare-database.ts"];

/** Named after the migrations' and the queues' sources, so a schema or queue change gets a fresh template. */
export function templateName(): string {
  const dir = path.resolve(process.cwd(), "server/db/migrations");
  const hash = createHash("sha256");
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".sql")).sort()) hash.update(readFileSync(path.join(dir, file)));
  for (const file of QUEUE_SOURCES) hash.update(readFileSync(path.resolve(process.cwd(), file)));
  return `conveyor_template_${hash.digest("hex").slice(0, 12)}`;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** How many more client connections the test server takes now (max_connections less those open). */
export async function freeConnections(): Promise<number> {
  return admin(async (client) => {
    const { rows } = await client.query<{ free: number }>(
      "SELECT current_setting('max_connections')::int - (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS free",
    );
    return rows[0]?.free ?? 0;
  });
}

/** Creates the template if this schema has none yet. `prepare` migrates and seeds it. */
export async function ensureTemplate(prepare: (url: string) => Promise<void>): Promise<string> {
  const name = templateName();
  const exists = await admin(async (c) => (await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount);
  if (exists) return name;
  const building = `${name}_building_${randomBytes(3).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE "${building}"`));
  await prepare(urlFor(building));
  await admin(async (c) => {
    await c.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`).catch(async (err: { code?: string }) => {
      // Another run built it meanwhile: keep theirs.
      if (err.code !== "42P04") throw err;
      await c.query(`DROP DATABASE "${building}"`);
    });
  });
  return name;
}

export type TestDatabase = { name: string; url: string; drop(): Promise<void> };

export async function createTestDatabase(template = templateName()): Promise<TestDatabase> {
  const name = `conveyor_test_${randomBytes(5).toString("hex")}`;
  for (let attempt = 1; ; attempt++) {
    try {
      await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
      break;
    } catch (err) {
      // Two copies of one template at the same instant can collide ("being accessed by other users").
      if (attempt >= 10 || (err as { code?: string }).code !== "55006") throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
  return {
    name,
    url: urlFor(name),
    drop: () => dropDatabase(name),
  };
}

/**
 * Drops a test database once its last connection is gone, and only after a few seconds cuts
 * the ones still open (WITH (FORCE)). A pool that is still closing when its test ends (pg-boss's
 * after `stop({ graceful: false })`) would otherwise be cut mid-goodbye and raise "terminating
 * connection due to administrator command" in a process whose test had already passed.
 */
async function dropDatabase(name: string): Promise<void> {
  await admin(async (c) => {
    for (let waited = 0; waited < 5_000; waited += 50) {
      const { rows } = await c.query<{ open: number }>("SELECT count(*)::int AS open FROM pg_stat_activity WHERE datname = $1", [name]);
      if (rows[0]!.open === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}

