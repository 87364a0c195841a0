/** Builds (once per schema) the migrated, seeded template database every stack copies. */
import { prepareDatabase } from "@/server/db/prepare-database";
import { ensureTemplate } from "@/tests/support/test-postgres";

export default async function globalSetup(): Promise<void> {
  await ensureTemplate((url) => prepareDatabase(url, { seed: true }));
}
