import "server-only";
import { sql } from "drizzle-orm";
import type { Database } from "@/server/db/client";

/**
 * Deletes webhook log rows older than `retentionDays` (WEBHOOK_LOG_RETENTION_DAYS; run by the
 * hourly maintenance job) and returns how many went. The log is for people reading an
 * order's timeline; what a payment did to an order is in its events and payments, which stay.
 */
export async function pruneWebhookLog(db: Database, retentionDays: number): Promise<number> {
  const result = await db.execute(sql`DELETE FROM webhook_log WHERE received_at < now() - make_interval(secs => ${retentionDays * 86_400})`);
  return result.rowCount ?? 0;
}
