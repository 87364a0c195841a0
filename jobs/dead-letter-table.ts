/**
 * What Conveyor reads of pg-boss's own job table to list dead letters in SQL (decision 025).
 * pg-boss's API has no "group / count / page" for a dead-letter queue, and `findJobs` loads every
 * job, so the listings read `pgboss.job` directly; every action (redrive) still goes through
 * pg-boss's API. Pinned against pg-boss 12.35 by jobs/dead-letter-groups.test.ts, which
 * fails real jobs through pg-boss and reads them back:
 * - the schema is pg-boss's default `pgboss` (jobs/boss.ts and the worker never set another);
 *   `pgboss.job` is the parent of every queue's partition, so `name = ANY(...)` reads them all;
 * - a dead letter waits in its `<step>.dead` queue in a state before `active` (pg-boss's own
 *   redrive matches `state < 'active'` too), with `source_name` (the step it failed on),
 *   `source_output` (that step's error), `source_retry_count`, `source_created_on`, and
 *   `created_on` as the time it was dead-lettered.
 */
export const PG_BOSS_JOB_TABLE = "pgboss.job";

/** Rows of `job` (aliased) that are dead letters still waiting in one of the queues in parameter `$names`. */
export function waitingDeadLetters(alias: string, namesParam: string): string {
  return `${alias}.name = ANY(${namesParam}::text[]) AND ${alias}.state < 'active'`;
}

/**
 * The error a dead letter carries, as text: the failed step's `{ message }`, else its output as
 * JSON (cut to 500 characters), else null. Older dead letters (before pg-boss kept provenance)
 * had it in `output`.
 */
export function deadLetterErrorSql(alias: string): string {
  const output = `COALESCE(${alias}.source_output, ${alias}.output)`;
  return `CASE WHEN ${output} IS NULL THEN NULL
               WHEN jsonb_typeof(${output}->'message') = 'string' THEN ${output}->>'message'
               ELSE left(${output}::text, 500) END`;
}
