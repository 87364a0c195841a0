import "server-only";
import { sql } from "drizzle-orm";
import type { Transaction } from "@/server/db/client";
import { PG_BOSS_JOB_TABLE } from "./dead-letter-table";
import { BATCH_CHECK_QUEUE, BATCH_QUEUE, LAB_QUEUE, QUEUED_STEPS, WEBHOOK_DELIVERY_QUEUE, deadLetterQueue } from "./queues";

/** Every job of the pipeline (its dead letters included), of the lab, of batches and of webhook deliveries; the hourly maintenance stays scheduled. */
const CLEARED_QUEUES = [...QUEUED_STEPS, ...QUEUED_STEPS.map(deadLetterQueue), LAB_QUEUE, BATCH_QUEUE, BATCH_CHECK_QUEUE, WEBHOOK_DELIVERY_QUEUE];

/** Deletes those jobs in the caller's transaction (the test controls' reset: all of the shop or none of it). */
export async function clearJobs(tx: Transaction): Promise<void> {
  await tx.execute(sql`DELETE FROM ${sql.raw(PG_BOSS_JOB_TABLE)} WHERE name IN (${sql.join(CLEARED_QUEUES.map((q) => sql`${q}`), sql`, `)})`);
}
