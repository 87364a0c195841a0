/**
 * `npm run db:migrate` / `npm run db:seed`: apply migrations (and pg-boss queues), or
 * seed an empty database, against DATABASE_URL or the embedded Postgres.
 */
import { prepareDatabase } from "@/jobs/prepare-database";
import { loadConfiguration, openDatabase } from "./process-startup";

async function main(): Promise<void> {
  const command = process.argv[2];
  if (command !== "migrate" && command !== "seed") throw new Error("usage: db migrate|seed");
  const database = await openDatabase(loadConfiguration("db"));
  await prepareDatabase(database.url, { seed: command === "seed" });
  await database.stop();
  console.log(`[db] ${command} done`);
}

main().catch((err) => {
  console.error("[db]", err);
  process.exit(1);
});
