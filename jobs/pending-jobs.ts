import "server-only";
import type { PgBoss } from "pg-boss";
import type { QueuedStepName } from "@/server/pipeline/steps";
import { PG_BOSS_JOB_TABLE } from "./dead-letter-table";
import { QUEUED_STEPS } from "./queues";

/**
 * Per step, the jobs that will still move an order within `horizonSeconds`: running now, or
 * waiting with a start (first run or retry) within the horizon. A job scheduled later, such
 * as a payment look-up minutes away, is not counted, nor are dead letters, which only a
 * redrive moves. Steps with none are left out.
 */
export async function pendingJobs(boss: PgBoss, horizonSeconds: number): Promise<Partial<Record<QueuedStepName, number>>> {
  const { rows } = (await boss.getDb().executeSql(
    `SELECT name, count(*)::int AS n
       FROM ${PG_BOSS_JOB_TABLE}
      WHERE name = ANY($1::text[])
        AND (state = 'active' OR (state < 'active' AND start_after <= now() + make_interval(secs => $2)))
      GROUP BY name
      ORDER BY name`,
    [QUEUED_STEPS, horizonSeconds],
  )) as { rows: { name: QueuedStepName; n: number }[] };
  return Object.fromEntries(rows.map((r) => [r.name, r.n]));
}
