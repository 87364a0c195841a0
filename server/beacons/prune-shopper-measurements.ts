import "server-only";
import { sql } from "drizzle-orm";
import type { Database } from "@/server/db/client";

/**
 * Deletes the measurements older than `retentionDays` (RUM_RETENTION_DAYS; run by the hourly
 * maintenance job, on the created_at index) and returns how many went.
 */
export async function pruneShopperMeasurements(db: Database, retentionDays: number): Promise<number> {
  const result = await db.execute(sql`DELETE FROM shopper_measurements WHERE created_at < now() - make_interval(secs => ${retentionDays * 86_400})`);
  return result.rowCount ?? 0;
}
