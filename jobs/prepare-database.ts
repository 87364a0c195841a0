/**
 * Brings a database up to date: drizzle migrations, pg-boss's schema and queues (jobs of
 * queues renamed since moved to their new names), and the seed. Run by the launcher before any web or worker process starts, and by the test
 * harness on its template database.
 */
import { migrate } from "drizzle-orm/node-postgres/migrator";
import { PgBoss } from "pg-boss";
import { sendOnlyBossOptions } from "./boss";
import { queuePolicyConfig } from "./queues";
import { retireRenamedQueues } from "./retire-renamed-queues";
import { setupQueues } from "./setup-queues";
import { env, type Env } from "@/server/env";
import { createDatabase, type Database } from "@/server/db/client";
import { MIGRATIONS_FOLDER } from "@/server/db/migrations-folder";
import { seedDatabase } from "@/server/db/seed";
import { seedAdmin } from "@/server/auth/seed-admin";
import { loggerFor } from "@/server/logging/logger";

const log = loggerFor("db");

export async function prepareDatabase(url: string, options: { seed: boolean }): Promise<void> {
  const { db, pool } = createDatabase(url, 2);
  try {
    await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    // The one pg-boss that may create or upgrade pg-boss's schema.
    const boss = new PgBoss({ ...sendOnlyBossOptions(url, "conveyor-migrate"), migrate: true });
    boss.on("error", (err) => log.error({ err }, "pg-boss error"));
    await boss.start();
    await setupQueues(boss, queuePolicyConfig(env()));
    const moved = await retireRenamedQueues(db, boss);
    if (moved > 0) log.info(`moved ${moved} jobs from the old queue names into their steps' queues (decision 031)`);
    await boss.stop({ graceful: false });
    const { seededCatalog } = await seedDatabase(db, { catalog: options.seed, manualReview: env().MANUAL_REVIEW });
    if (seededCatalog) log.info("seeded the catalog");
    await seedConfiguredAdmin(db, env());
  } finally {
    await pool.end();
  }
}

/**
 * The admin of ADMIN_EMAIL / ADMIN_PASSWORD, whatever SEED says: without one nobody can
 * reach /admin. Production has no default address, so without ADMIN_EMAIL there is none.
 */
export async function seedConfiguredAdmin(db: Database, config: Pick<Env, "ADMIN_EMAIL" | "ADMIN_PASSWORD">): Promise<void> {
  const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password } = config;
  if (!email || !password) {
    log.info("ADMIN_EMAIL is not set: no admin account is seeded");
    return;
  }
  const outcome = await seedAdmin(db, email, password);
  if (outcome === "created") log.info(`created the admin account ${email}`);
  if (outcome === "password_set") log.info(`applied ADMIN_PASSWORD to the admin account ${email} and signed out its sessions`);
  if (outcome === "not_promoted") {
    log.error(
      `ADMIN_EMAIL ${email} belongs to an existing account that is not an admin (someone registered that address): ` +
        `it is not promoted, so there is no seeded admin. If that account is yours, run \`npm run admin -- promote --email ${email}\`; ` +
        `otherwise set ADMIN_EMAIL to another address.`,
    );
  }
}
