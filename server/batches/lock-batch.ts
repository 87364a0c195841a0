import "server-only";
import { sql } from "drizzle-orm";
import type { Transaction } from "@/server/db/client";

/**
 * Takes the batch's transaction-scoped advisory lock and reads its owner and status after it.
 * The placing job holds it for each chunk and cancel for its status change, so they take turns:
 * a cancel waits for the chunk in flight (and then sees its orders), and the next chunk sees
 * the cancel. An advisory lock rather than the row's: the progress check writes the row's
 * counts meanwhile and must not queue behind a chunk. The read comes after the lock, so under
 * READ COMMITTED it sees what the previous holder committed.
 */
export async function lockBatch(tx: Transaction, batchId: string): Promise<{ shopper_id: string; status: string } | undefined> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`batch:${batchId}`}, 0))`);
  const { rows } = await tx.execute<{ shopper_id: string; status: string }>(sql`SELECT shopper_id, status FROM batches WHERE id = ${batchId}`);
  return rows[0];
}
