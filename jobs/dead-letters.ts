/**
 * Dead letters — jobs that exhausted their retries — counted and grouped in SQL over pg-boss's
 * job table (decision 025) and recovered through pg-boss's own API, for `/api/health`,
 * `npm run jobs` and the admin page.
 */
import type { PgBoss } from "pg-boss";
import type { DeadLetterCounts } from "@/server/pipeline/pipeline-jobs";
import { deadLetterErrorSql, PG_BOSS_JOB_TABLE, waitingDeadLetters } from "./dead-letter-table";
import { QUEUED_STEPS, deadLetterQueue, deadLetterQueues, type QueuedStepName } from "./queues";


/**
 * Dead letters waiting per step, from the counts pg-boss's monitor keeps on its queue table
 * (refreshed by the workers every JOB_SUPERVISE_SECONDS): one cheap query, fit for a health
 * probe that may be polled often. Steps without dead letters are left out.
 */
export async function deadLetterDepth(boss: PgBoss): Promise<DeadLetterCounts> {
  const queues = await boss.getQueues(deadLetterQueues());
  const byStep: DeadLetterCounts["byStep"] = {};
  let total = 0;
  for (const step of QUEUED_STEPS) {
    const waiting = queues.find((q) => q.name === deadLetterQueue(step))?.queuedCount ?? 0;
    if (waiting > 0) byStep[step] = waiting;
    total += waiting;
  }
  return { total, byStep };
}

export type DeadLetterGroup = { step: QueuedStepName; count: number; lastError: string | null; lastDeadAt: Date | null };

/**
 * Exact, per step: how many dead letters wait, and the error of the latest one. One statement:
 * a count per dead-letter queue and its newest row by ORDER BY … LIMIT 1, so the CLI reads a
 * row per step however many tens of thousands of jobs an outage left (decision 025).
 */
export async function listDeadLetters(boss: PgBoss): Promise<DeadLetterGroup[]> {
  const { rows } = await boss.getDb().executeSql(
    `SELECT q.dlq,
            (SELECT count(*)::int FROM ${PG_BOSS_JOB_TABLE} j WHERE ${waitingDeadLetters("j", "ARRAY[q.dlq]")}) AS count,
            latest.created_on, latest.error
       FROM unnest($1::text[]) AS q(dlq)
       LEFT JOIN LATERAL (
         SELECT j.created_on, ${deadLetterErrorSql("j")} AS error
           FROM ${PG_BOSS_JOB_TABLE} j
          WHERE ${waitingDeadLetters("j", "ARRAY[q.dlq]")}
          ORDER BY j.created_on DESC, j.id DESC
          LIMIT 1
       ) latest ON true`,
    [deadLetterQueues()],
  );
  const byQueue = new Map((rows as { dlq: string; count: number; created_on: Date | null; error: string | null }[]).map((row) => [row.dlq, row]));
  return QUEUED_STEPS.map((step) => {
    const row = byQueue.get(deadLetterQueue(step));
    return { step, count: row?.count ?? 0, lastError: row?.error ?? null, lastDeadAt: row?.created_on ?? null };
  });
}

/**
 * Sends a step's dead letters (or every step's) back to the step they failed on, with fresh ids
 * and a fresh set of retries. Only what was dead already when the call started is moved, so a
 * job that fails again meanwhile is not swept around in a loop.
 */
export async function redriveDeadLetters(boss: PgBoss, step?: QueuedStepName): Promise<Record<string, number>> {
  const createdBefore = new Date();
  const moved: Record<string, number> = {};
  for (const name of step ? [step] : QUEUED_STEPS) {
    let total = 0;
    // redrive moves at most 1000 per call, oldest first.
    while (true) {
      const batch = await boss.redrive(deadLetterQueue(name), { createdBefore });
      if (batch === 0) break;
      total += batch;
    }
    if (total > 0) moved[name] = total;
  }
  return moved;
}
