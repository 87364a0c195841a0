import "server-only";
import { sql } from "drizzle-orm";
import type { Database } from "@/server/db/client";

/**
 * Deletes the spans that started more than `retentionDays` ago (TRACE_RETENTION_DAYS; run by
 * the hourly maintenance job, on the started_at index) and returns how many went. With 0 no
 * span is kept, so whatever an earlier configuration stored goes too.
 */
export async function pruneTraceSpans(db: Database, retentionDays: number): Promise<number> {
  const result = await db.execute(sql`DELETE FROM trace_spans WHERE started_at < now() - make_interval(secs => ${retentionDays * 86_400})`);
  return result.rowCount ?? 0;
}
