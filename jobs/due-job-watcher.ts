import "server-only";
import type pg from "pg";
import { BOSS_SCHEMA } from "./boss";
import { PG_BOSS_JOB_TABLE } from "./dead-letter-table";
import { loggerFor } from "@/server/logging/logger";

const log = loggerFor("worker");

/**
 * The queues among `queues` that hold a job a worker could take now: waiting (created or
 * retry), not blocked, and due (its start_after passed on pg-boss's own clock, job_now(), as
 * its fetch reads it). One statement for every queue, each an index probe (pg-boss's job_i11,
 * the one its own fetch reads), instead of one empty fetch per queue (decision 049). A superset of what pg-boss's fetch would take is fine: a
 * queue named here is only woken, and its worker's fetch decides.
 */
export async function dueQueues(pool: Pick<pg.Pool, "query">, queues: readonly string[]): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(
    `SELECT q.name FROM unnest($1::text[]) AS q(name)
      WHERE EXISTS (SELECT 1 FROM ${PG_BOSS_JOB_TABLE} j
                     WHERE j.name = q.name AND j.state < 'active' AND NOT j.blocked AND j.start_after <= ${BOSS_SCHEMA}.job_now())`,
    [queues],
  );
  return rows.map((row) => row.name);
}

export type DueJobWatcher = { stop(): Promise<void> };

/**
 * Every `intervalMs`, asks which queues hold a due job and wakes their workers (`wake`, pg-boss's
 * `notifyWorker`). A job sent to run now wakes its worker by NOTIFY already; this finds the
 * ones that came due by time — a retry whose backoff ended, a delayed job — which otherwise
 * every queue's poller would look for on its own, a fetch per queue per interval whether or
 * not anything is due. A failed look is logged and tried again next interval; pg-boss's own
 * polling, left at a longer interval, is the safety net.
 */
export function watchDueJobs(options: {
  pool: Pick<pg.Pool, "query">;
  queues: readonly string[];
  intervalMs: number;
  wake: (queue: string) => void;
}): DueJobWatcher {
  const { pool, queues, intervalMs, wake } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let looking: Promise<void> = Promise.resolve();
  const look = async () => {
    try {
      for (const queue of await dueQueues(pool, queues)) wake(queue);
    } catch (err) {
      if (!stopped) log.warn({ err }, "looking for due jobs failed; trying again");
    }
  };
  // The next look is scheduled when this one ends, so a slow database never stacks them up.
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      looking = look().finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await looking;
    },
  };
}
