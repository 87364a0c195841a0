import "server-only";
import { sql } from "drizzle-orm";
import type { Database } from "@/server/db/client";

/**
 * Deletes settled messages older than `retentionDays` (WEBHOOK_DELIVERY_RETENTION_DAYS; run by
 * the hourly maintenance job) with their attempts (cascade), and returns how many went. A
 * message still pending stays until it settles, however old.
 */
export async function pruneWebhookDeliveries(db: Database, retentionDays: number): Promise<number> {
  const result = await db.execute(
    sql`DELETE FROM webhook_messages WHERE created_at < now() - make_interval(secs => ${retentionDays * 86_400}) AND state <> 'pending'`,
  );
  return result.rowCount ?? 0;
}
