import "server-only";
import type { PgBoss } from "pg-boss";
import { redriveDeadLetters as redriveEveryStep } from "@/jobs/dead-letters";
import { listDeadLetters } from "./list-dead-letters";

export type RedriveTarget = { all: true } | { fingerprint: string } | { jobId: string };

/**
 * Sends dead letters back to their source queue with pg-boss's own redrive, which moves each
 * job out of the dead-letter queue in the same statement. Clicking twice is therefore safe:
 * the second call finds nothing left to move, and a job redriven twice by a race still runs
 * an idempotent handler (the provider's idempotency key, the mailbox's unique key), so no
 * order is charged or emailed twice.
 */
export async function redriveDeadLetters(boss: PgBoss, target: RedriveTarget): Promise<{ redriven: number }> {
  if ("all" in target) {
    // The same recovery as `npm run jobs -- redrive` (jobs/dead-letters.ts).
    const moved = await redriveEveryStep(boss);
    return { redriven: Object.values(moved).reduce((n, count) => n + count, 0) };
  }
  const groups = await listDeadLetters(boss);
  const jobs =
    "fingerprint" in target
      ? (groups.find((g) => g.fingerprint === target.fingerprint)?.jobs ?? [])
      : groups.flatMap((g) => g.jobs).filter((job) => job.id === target.jobId);
  const byQueue = new Map<string, string[]>();
  for (const job of jobs) byQueue.set(job.deadLetterQueue, [...(byQueue.get(job.deadLetterQueue) ?? []), job.id]);
  let redriven = 0;
  for (const [dlq, ids] of byQueue) redriven += await boss.redrive(dlq, { ids, limit: ids.length });
  return { redriven };
}
