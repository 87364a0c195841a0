import { prepareDatabase } from "@/server/db/prepare-database";
import { ensureTemplate } from "./test-postgres";

/** One migrated, seeded template per schema; each test file copies it. */
export default async function setup(): Promise<void> {
  await ensureTemplate((url) => prepareDatabase(url, { seed: true }));
}
