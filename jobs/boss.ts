import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { fromDrizzle, PgBoss, type ConstructorOptions, type SendOptions } from "pg-boss";
import { createHash } from "node:crypto";
import { IDLE_CONNECTIONS, type Transaction } from "@/server/db/client";
import { loggerFor } from "@/server/logging/logger";
import { PgBossNamedStatementClient } from "@/server/db/named-statements";

const log = loggerFor("pg-boss");

/**
 * The options of a pg-boss that only sends and reads jobs, for every process that is not a
 * worker (web, scripts, tests): no supervision, no cron, no schema migration — the workers
 * supervise and schedule, and prepare-database alone migrates — over a small pool.
 */
export function sendOnlyBossOptions(connectionString: string, applicationName: string, max = 2): ConstructorOptions {
  return withNamedStatements({ connectionString, max, supervise: false, schedule: false, migrate: false, application_name: applicationName });
}

/**
 * pg-boss's fetches and inserts sent as named statements, like the app's own (decision 036);
 * its statements on a list of job ids stay unnamed (decision 047); and its idle connections
 * kept as our pools keep theirs (IDLE_CONNECTIONS, decision 056), so the named statements
 * outlive a quiet minute. pg-boss 12.35 hands its whole configuration to `new pg.Pool()`
 * (dist/db.js), so pg's `Client` and pool options reach the pool; its types do not declare them.
 */
export function withNamedStatements(options: ConstructorOptions): ConstructorOptions {
  return Object.assign(options, { Client: PgBossNamedStatementClient }, IDLE_CONNECTIONS);
}

/** A started send-only pg-boss (see sendOnlyBossOptions): what the web process and the scripts need. */
export async function startSendOnlyBoss(connectionString: string, applicationName = "conveyor-web-boss"): Promise<PgBoss> {
  const boss = new PgBoss(sendOnlyBossOptions(connectionString, applicationName));
  boss.on("error", (err) => log.error({ err }, "pg-boss error"));
  await boss.start();
  return boss;
}

/**
 * A deterministic job id per (queue, key): inserting the same step twice for one order is a
 * no-op (pg-boss inserts with ON CONFLICT DO NOTHING), so handlers that run twice never fan
 * out twice. Redrive gives dead letters fresh ids, so it is unaffected.
 */
export function stepJobId(queue: string, key: string): string {
  const hex = createHash("sha256").update(`${queue}:${key}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** What services need of pg-boss; tests may wrap it to inject faults. */
export type JobSender = Pick<PgBoss, "send">;

/** Enqueue inside the caller's transaction: the job commits or rolls back with the business change. */
export async function enqueueInTx(
  boss: JobSender,
  tx: Transaction,
  queue: string,
  data: object,
  dedupeKey: string,
  options: SendOptions = {},
): Promise<void> {
  await boss.send(queue, data, { ...options, id: stepJobId(queue, dedupeKey), db: fromDrizzle(tx, sql) });
}

/** One job as the step table plans it: its queue, payload, dedupe key (→ deterministic id) and delay. */
export type PlannedJob = { queue: string; data: object; key: string; startAfterSeconds?: number };

export const BOSS_SCHEMA = "pgboss";
// pg-boss 12.35's wake-up channel (dist/plans.js notifyChannelSql) for the default schema.
const NOTIFY_CHANNEL = sql.raw(`('pgboss_' || left(encode(sha224('${BOSS_SCHEMA}'::bytea), 'hex'), 24))`);

/**
 * Deletes the jobs of `queue` with these ids (the placeholder `idsPlaceholder`, a uuid[]) that
 * are still waiting to start — created, or waiting for a retry — as a statement a caller
 * writes alongside its own (decision 058); a job already running, done or failed is left
 * alone. `onlyAfter` is a condition of the caller's statement the delete must wait for (the
 * transition's `afterTheMove`, so it runs after the order's row lock). Deleting a waiting job
 * is what pg-boss's own deleteJob does; its queue counts come from the table as it stands.
 */
export function waitingJobsDelete(queue: string, idsPlaceholder: string, onlyAfter: SQL): SQL {
  return sql`DELETE FROM ${sql.raw(BOSS_SCHEMA)}.job
    WHERE name = ${queue} AND id = ANY(${sql.placeholder(idsPlaceholder)}::uuid[]) AND state < 'active' AND ${onlyAfter}`;
}

/** One job as its insert reads it: the deterministic id, the queue, the payload and the delay. */
export function jobRows(jobs: PlannedJob[]): string {
  return JSON.stringify(jobs.map((j) => ({ id: stepJobId(j.queue, j.key), name: j.queue, data: j.data, start_after_seconds: j.startAfterSeconds ?? 0 })));
}

/**
 * pg-boss 12.35's insertJobs plan (dist/plans.js) narrowed to the options the step table uses
 * (id, data, startAfter), for the jobs in `rows` (JSON of jobRows()): every other column comes
 * from the queue's row exactly as send() takes it, and ON CONFLICT DO NOTHING keeps the
 * deterministic ids' dedupe. `onlyIf`, a condition on the caller's own CTEs, inserts the jobs
 * only where it holds. A job runnable now wakes its notify-enabled queue as send() does: the
 * insert's RETURNING notifies, which Postgres evaluates for every inserted row whether or not
 * the caller reads it, and the notifications of one transaction that repeat a channel and
 * payload are delivered once, so a queue gets one wake-up per commit. jobs/step-queue.test.ts
 * holds the rows and the wake-ups equal to send()'s, so a pg-boss upgrade that changes them shows.
 */
function jobsInsert(rows: SQL, onlyIf: SQL | undefined): SQL {
  const schema = sql.raw(BOSS_SCHEMA);
  return sql`INSERT INTO ${schema}.job (
      id, name, data, priority, start_after, created_on, expire_seconds, deletion_seconds, keep_until,
      retry_limit, retry_delay, retry_backoff, retry_delay_max, policy, dead_letter, heartbeat_seconds
    )
    SELECT j.id, j.name, j.data, 0, j.start_after, ${schema}.job_now(), q.expire_seconds, q.deletion_seconds,
      j.start_after + q.retention_seconds * interval '1s',
      q.retry_limit, q.retry_delay, COALESCE(q.retry_backoff, false), q.retry_delay_max, q.policy, q.dead_letter, q.heartbeat_seconds
    FROM (
      SELECT x.id, x.name, x.data, ${schema}.job_now() + x.start_after_seconds * interval '1s' AS start_after
      FROM json_to_recordset(${rows}::json) AS x (id uuid, name text, data jsonb, start_after_seconds int)
    ) j
    JOIN ${schema}.queue q ON q.name = j.name${onlyIf ? sql`
    WHERE ${onlyIf}` : sql``}
    ON CONFLICT DO NOTHING
    RETURNING (SELECT pg_notify(${NOTIFY_CHANNEL}, q.name) FROM ${schema}.queue q WHERE q.name = job.name AND q.notify AND job.start_after <= ${schema}.job_now())`;
}

/**
 * The rows pg-boss's `send` would insert for these jobs (jobsInsert), as a CTE a caller puts in
 * front of its own statement so the jobs commit with it at no extra round trip (decision 023);
 * `inserted` counts the rows that were new.
 */
export function jobInsertCtes(jobs: PlannedJob[], onlyIf?: SQL): { ctes: SQL; inserted: SQL } {
  return { ctes: sql`step_jobs AS (${jobsInsert(sql`${jobRows(jobs)}`, onlyIf)})`, inserted: sql`(SELECT count(*) FROM step_jobs)::int` };
}

/**
 * The same insert as a write alongside a transition (decision 060): the jobs' rows come from
 * the placeholder `rowsPlaceholder` (jobRows()), so the statement is built once; `onlyIf` is
 * the transition's condition (the order moved).
 */
export function jobsInsertAlongside(rowsPlaceholder: string, onlyIf: SQL): SQL {
  return jobsInsert(sql`${sql.placeholder(rowsPlaceholder)}`, onlyIf);
}
