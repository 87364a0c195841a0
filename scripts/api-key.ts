/**
 * `npm run api-key -- create --email <email> [--admin]`: creates the shopper if needed
 * (`--admin` makes them an admin) and prints a new API key on stdout (one line, nothing else). Uses DATABASE_URL, or the embedded
 * Postgres of `npm run dev` when it is unset.
 */
import { parseArgs } from "node:util";
import { existsSync } from "node:fs";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { createApiKey } from "@/server/auth/api-keys";
import { createDatabase } from "@/server/db/client";
import { shoppers } from "@/server/db/schema";
import { ensureEmbeddedPostgres } from "@/server/db/embedded-postgres";
import { prepareDatabase } from "@/jobs/prepare-database";
import { env, envOrExit } from "@/server/env";

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { email: { type: "string" }, admin: { type: "boolean" } } });
  const email = z.string().email().safeParse(values.email);
  if (positionals[0] !== "create" || !email.success) {
    console.error("usage: npm run api-key -- create --email <email> [--admin]");
    process.exit(2);
  }
  if (existsSync(".env")) process.loadEnvFile(".env");
  // Progress messages go to stderr so stdout carries only the key.
  console.log = console.error;
  let url = envOrExit("api-key").DATABASE_URL;
  let stop = async () => {};
  if (!url) {
    const embedded = await ensureEmbeddedPostgres(env().DATA_DIR, env().EMBEDDED_PG_PORT);
    url = embedded.url;
    stop = embedded.stop;
    await prepareDatabase(url, { seed: env().SEED });
  }
  const { db, pool } = createDatabase(url, 1);
  const { key, shopper } = await createApiKey(db, email.data);
  if (values.admin) await db.update(shoppers).set({ role: "admin" }).where(eq(shoppers.id, shopper.id));
  await pool.end();
  await stop();
  process.stdout.write(`${key}\n`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
