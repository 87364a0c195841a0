import "server-only";
import type { PgBoss } from "pg-boss";
import type { QueuedStepName } from "@/server/pipeline/steps";
import { PG_BOSS_JOB_TABLE } from "./dead-letter-table";
import { BATCH_QUEUE, QUEUED_STEPS } from "./queues";

/**
 * Per step, the jobs that will still move an order within `horizonSeconds`: running now, or
 * waiting with a start (first run or retry) within the horizon. A job scheduled later, such
 * as a payment look-up minutes away, is not counted, nor are dead letters, which only a
 * redrive moves. Steps with none are left out.
 */
export async function pendingJobs(boss: PgBoss, horizonSeconds: number): Promise<Partial<Record<QueuedStepName | typeof BATCH_QUEUE, number>>> {
  const { rows } = (await boss.getDb().executeSql(
    `SELECT name, count(*)::int AS n
       FROM ${PG_BOSS_JOB_TABLE}
      WHERE name = ANY($1::text[])
        AND (state = 'active' OR (state < 'active' AND start_after <= now() + make_interval(secs => $2)))
      GROUP BY name
      ORDER BY name`,
    // A batch being placed will still create orders: settle waits for it as for a step.
    [[...QUEUED_STEPS, BATCH_QUEUE], horizonSeconds],
  )) as { rows: { name: QueuedStepName | typeof BATCH_QUEUE; n: number }[] };
  return Object.fromEntries(rows.map((r) => [r.name, r.n]));
}
