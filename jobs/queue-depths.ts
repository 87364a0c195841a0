import "server-only";
import type { PgBoss } from "pg-boss";
import type { QueueDepth } from "@/lib/admin-overview";
import { PG_BOSS_JOB_TABLE } from "./dead-letter-table";
import { QUEUED_STEPS, deadLetterQueue } from "./queues";

/**
 * Waiting, retrying, scheduled and dead-lettered counts are read live from pg-boss's job table through
 * its partial index on not-yet-active jobs; "active" comes from pg-boss's cached queue
 * stats (getQueues/getQueueStats, kept fresh by the workers' monitor), since counting active jobs directly would scan
 * every completed job kept for a week.
 */
export async function queueDepths(boss: PgBoss): Promise<QueueDepth[]> {
  const { rows } = (await boss.getDb().executeSql(`
    SELECT name,
           count(*) FILTER (WHERE start_after <= now())::int AS waiting,
           count(*) FILTER (WHERE start_after > now() AND state = 'retry')::int AS retrying,
           count(*) FILTER (WHERE start_after > now() AND state <> 'retry')::int AS scheduled,
           count(*)::int AS total,
           min(created_on) FILTER (WHERE start_after <= now()) AS oldest
      FROM ${PG_BOSS_JOB_TABLE}
     WHERE state < 'active' AND NOT blocked
     GROUP BY name`)) as { rows: { name: string; waiting: number; retrying: number; scheduled: number; total: number; oldest: Date | string | null }[] };
  const pending = new Map(rows.map((r) => [r.name, r]));
  // getQueues serves the same cached counts as getQueueStats, for every queue in one query.
  const active = new Map((await boss.getQueues([...QUEUED_STEPS])).map((q) => [q.name, q.activeCount]));
  return QUEUED_STEPS.map((queue) => {
    const own = pending.get(queue);
    const oldest = own?.oldest ? new Date(own.oldest).toISOString() : null;
    return {
      queue,
      waiting: own?.waiting ?? 0,
      retrying: own?.retrying ?? 0,
      scheduled: own?.scheduled ?? 0,
      active: active.get(queue) ?? 0,
      dead: pending.get(deadLetterQueue(queue))?.total ?? 0,
      oldestWaitingAt: oldest,
    };
  });
}
