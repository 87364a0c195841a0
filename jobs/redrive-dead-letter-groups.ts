import "server-only";
import type { PgBoss } from "pg-boss";
import type { RedriveTarget } from "@/server/pipeline/pipeline-jobs";
import { listDeadLetterPage } from "./dead-letter-groups";
import { PG_BOSS_JOB_TABLE, waitingDeadLetters } from "./dead-letter-table";
import { redriveDeadLetters as redriveEveryStep } from "./dead-letters";
import { deadLetterQueues } from "./queues";

/** pg-boss's redrive moves at most 1,000 jobs a call; a group is walked in pages of that size. */
const REDRIVE_BATCH = 1000;

/**
 * Sends dead letters back to their source queue with pg-boss's own redrive, which moves each
 * job out of the dead-letter queue in the same statement. Clicking twice is therefore safe:
 * the second call finds nothing left to move, and a job redriven twice by a race still runs
 * an idempotent handler (the provider's idempotency key, the mailbox's unique key), so no
 * order is charged or emailed twice.
 */
export async function redriveDeadLetterTarget(boss: PgBoss, target: RedriveTarget): Promise<{ redriven: number }> {
  if ("all" in target) {
    // The same recovery as `npm run jobs -- redrive` (jobs/dead-letters.ts).
    const moved = await redriveEveryStep(boss);
    return { redriven: Object.values(moved).reduce((n, count) => n + count, 0) };
  }
  if ("jobId" in target) return { redriven: await redriveOne(boss, target.jobId) };
  return { redriven: await redriveGroup(boss, target.fingerprint) };
}

/**
 * A group, newest first, a page of ids at a time. The keyset cursor only moves on, so jobs that
 * are dead-lettered again while this runs (newer than where it started) are left for the next
 * click rather than swept around in a loop, and memory stays at one page.
 */
async function redriveGroup(boss: PgBoss, fingerprint: string): Promise<number> {
  let redriven = 0;
  let cursor: string | null = null;
  do {
    const page = await listDeadLetterPage(boss, fingerprint, cursor, REDRIVE_BATCH);
    const byQueue = new Map<string, string[]>();
    for (const job of page.jobs) byQueue.set(job.deadLetterQueue, [...(byQueue.get(job.deadLetterQueue) ?? []), job.id]);
    for (const [dlq, ids] of byQueue) redriven += await boss.redrive(dlq, { ids, limit: ids.length });
    cursor = page.nextCursor;
  } while (cursor);
  return redriven;
}

async function redriveOne(boss: PgBoss, jobId: string): Promise<number> {
  const { rows } = await boss.getDb().executeSql(`SELECT j.name FROM ${PG_BOSS_JOB_TABLE} j WHERE j.id = $2::uuid AND ${waitingDeadLetters("j", "$1")}`, [
    deadLetterQueues(),
    jobId,
  ]);
  const dlq = (rows as { name: string }[])[0]?.name;
  return dlq ? boss.redrive(dlq, { ids: [jobId], limit: 1 }) : 0;
}
