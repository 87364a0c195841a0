/**
 * `npm run db:migrate` / `npm run db:seed`: apply migrations (and pg-boss queues), or
 * seed an empty database, against DATABASE_URL or the embedded Postgres.
 */
import { existsSync } from "node:fs";
import { ensureEmbeddedPostgres } from "@/server/db/embedded-postgres";
import { prepareDatabase } from "@/jobs/prepare-database";
import { envOrExit } from "@/server/env";

async function main(): Promise<void> {
  const command = process.argv[2];
  if (command !== "migrate" && command !== "seed") throw new Error("usage: db migrate|seed");
  if (existsSync(".env")) process.loadEnvFile(".env");
  const config = envOrExit("db");
  const database = config.DATABASE_URL
    ? { url: config.DATABASE_URL, stop: async () => {} }
    : await ensureEmbeddedPostgres(config.DATA_DIR, config.EMBEDDED_PG_PORT);
  await prepareDatabase(database.url, { seed: command === "seed" });
  await database.stop();
  console.log(`[db] ${command} done`);
}

main().catch((err) => {
  console.error("[db]", err);
  process.exit(1);
});
