import "server-only";
import { existsSync } from "node:fs";
import { ensureEmbeddedPostgres } from "@/server/db/embedded-postgres";
import { envOrExit, type Env } from "@/server/env";

/**
 * The start-up every command-line entry point shares (the launcher, db, api-key, admin, jobs,
 * bench, the worker): read the configuration, then find the database. One copy, so a new
 * script cannot start against a different database than `npm run dev` does. Each script
 * then migrates and seeds (jobs/prepare-database.ts) as much as it needs.
 */

/** Reads `.env` from the working directory when there is one; variables already set win. */
export function loadDotEnv(): void {
  if (existsSync(".env")) process.loadEnvFile(".env");
}

/**
 * Reads `.env` unless the process got its environment from the launcher, then validates the
 * configuration: one that must not run stops the process with a line naming the variable,
 * prefixed by `role`.
 */
export function loadConfiguration(role: string, options: { dotEnv: boolean } = { dotEnv: true }): Env {
  if (options.dotEnv) loadDotEnv();
  return envOrExit(role);
}

export type ProcessDatabase = {
  url: string;
  /** True when DATABASE_URL was unset and this is the embedded Postgres of `npm run dev`. */
  embedded: boolean;
  /** Stops what this process started (the embedded Postgres); nothing for DATABASE_URL. */
  stop(): Promise<void>;
};

/** DATABASE_URL, or when it is unset the embedded Postgres under DATA_DIR (started if it is not running). */
export async function openDatabase(config: Env): Promise<ProcessDatabase> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: false, stop: async () => {} };
  return { ...(await ensureEmbeddedPostgres(config.DATA_DIR, config.EMBEDDED_PG_PORT)), embedded: true };
}
