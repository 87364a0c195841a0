/**
 * Brings a database up to date: drizzle migrations, pg-boss's schema and queues, and the
 * seed. Run by the launcher before any web or worker process starts, and by the test
 * harness on its template database.
 */
import { migrate } from "drizzle-orm/node-postgres/migrator";
import path from "node:path";
import { PgBoss } from "pg-boss";
import { queuePolicyConfig } from "./queues";
import { setupQueues } from "./setup-queues";
import { env } from "@/server/env";
import { createDatabase } from "@/server/db/client";
import { seedDatabase } from "@/server/db/seed";
import { seedAdmin } from "@/server/auth/seed-admin";

export const MIGRATIONS_FOLDER = path.resolve(process.cwd(), "server/db/migrations");

export async function prepareDatabase(url: string, options: { seed: boolean }): Promise<void> {
  const { db, pool } = createDatabase(url, 2);
  try {
    await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    const boss = new PgBoss({ connectionString: url, max: 2, supervise: false, schedule: false, application_name: "conveyor-migrate" });
    boss.on("error", (err) => console.error("[pg-boss]", err));
    await boss.start();
    await setupQueues(boss, queuePolicyConfig(env()));
    await boss.stop({ graceful: false });
    const { seededCatalog } = await seedDatabase(db, { catalog: options.seed, manualReview: env().MANUAL_REVIEW });
    if (seededCatalog) console.log("[db] seeded the catalog");
    // The admin account exists whatever SEED says: without it nobody can reach /admin.
    const { created } = await seedAdmin(db, env().ADMIN_EMAIL, env().ADMIN_PASSWORD);
    if (created) console.log(`[db] created the admin account ${env().ADMIN_EMAIL}`);
  } finally {
    await pool.end();
  }
}
