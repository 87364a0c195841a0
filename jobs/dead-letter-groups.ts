/**
 * The admin's dead letters, grouped by error fingerprint and paged, in SQL over pg-boss's job
 * table (decision 025): the listing half of PipelineJobs (server/pipeline/pipeline-jobs.ts).
 */
import "server-only";
import type { PgBoss } from "pg-boss";
import type { DeadLetter, DeadLetterGroup, DeadLetterPage } from "@/server/pipeline/pipeline-jobs";
import { deadLetterErrorSql, PG_BOSS_JOB_TABLE, waitingDeadLetters } from "./dead-letter-table";
import { deadLetterQueues } from "./queues";

export const JOBS_PER_GROUP = 20;

/**
 * Every waiting dead letter of the pipeline's dead-letter queues (`$1`), as a `dead` CTE, with
 * its error as text and a keyset `cursor`. Listed in Postgres so that a listing sends the
 * groups and a page of jobs, never the tens of thousands a long outage leaves (decision 025).
 */
const DEAD_LETTERS = `
  dead AS (
    SELECT j.id, j.name AS dlq, COALESCE(j.source_name, left(j.name, -length('.dead'))) AS queue, j.data,
           COALESCE(${deadLetterErrorSql("j")}, '(no error recorded)') AS error,
           j.source_retry_count AS retries, j.created_on, j.source_created_on,
           (floor(extract(epoch FROM j.created_on) * 1000000))::bigint::text || ':' || j.id AS cursor
      FROM ${PG_BOSS_JOB_TABLE} j
     WHERE ${waitingDeadLetters("j", "$1")}
  )`;

/**
 * A dead letter's fingerprint: the source queue plus the error message with its variable parts
 * (ids, uuids, quoted text, numbers) masked, so a thousand "carrier: HTTP 503 …" failures are
 * one group; the first 16 hex digits of its sha256. Postgres regexes: `\y` is a word boundary
 * (`\b` would be a backspace). The byte-wise "C" collation makes sorting by it cheap.
 */
function fingerprintSql(alias: string): string {
  return `(left(encode(sha256(convert_to(${alias}.queue || E'\\n' ||
             regexp_replace(regexp_replace(regexp_replace(regexp_replace(${alias}.error,
               '\\y[a-z]{2,4}_[A-Za-z0-9]{6,}\\y', '<id>', 'g'),
               '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '<uuid>', 'gi'),
               '"[^"]*"', '"…"', 'g'),
               '[0-9]+', '<n>', 'g'), 'UTF8')), 'hex'), 16) COLLATE "C")`;
}

/** The columns a `DeadLetter` is built from, from a `fingerprinted` row `f`. */
const JOB_COLUMNS = "f.id, f.dlq, f.queue, f.data, f.error, f.retries, f.created_on, f.source_created_on, f.cursor";

type JobRow = {
  id: string;
  dlq: string;
  queue: string;
  data: Record<string, unknown> | null;
  error: string;
  retries: number | null;
  created_on: Date;
  source_created_on: Date | null;
  cursor: string;
};

/**
 * The groups, largest first, each with its `JOBS_PER_GROUP` newest jobs: one statement, whose
 * answer grows with the number of groups, not of dead letters.
 */
export async function listDeadLetterGroups(boss: PgBoss): Promise<DeadLetterGroup[]> {
  const { rows } = await boss.getDb().executeSql(
    `WITH ${DEAD_LETTERS},
     fingerprinted AS MATERIALIZED (SELECT d.*, ${fingerprintSql("d")} AS fingerprint FROM dead d),
     groups AS (
       SELECT fingerprint, count(*)::int AS count, min(created_on) AS first_failed_at, max(created_on) AS last_failed_at
         FROM fingerprinted GROUP BY fingerprint
     ),
     ranked AS (
       SELECT f.*, row_number() OVER (PARTITION BY f.fingerprint ORDER BY f.created_on DESC, f.id DESC) AS rank
         FROM fingerprinted f
     )
     SELECT g.fingerprint, g.count, g.first_failed_at, g.last_failed_at, ${JOB_COLUMNS}
       FROM groups g JOIN ranked f ON f.fingerprint = g.fingerprint AND f.rank <= $2
      ORDER BY g.count DESC, g.fingerprint, f.rank`,
    [deadLetterQueues(), JOBS_PER_GROUP],
  );
  const groups = new Map<string, DeadLetterGroup>();
  for (const row of rows as (JobRow & { fingerprint: string; count: number; first_failed_at: Date; last_failed_at: Date })[]) {
    let group = groups.get(row.fingerprint);
    if (!group) {
      // Rows come newest first, so the group shows its latest error.
      group = {
        fingerprint: row.fingerprint,
        queue: row.queue,
        error: row.error,
        count: row.count,
        firstFailedAt: row.first_failed_at.toISOString(),
        lastFailedAt: row.last_failed_at.toISOString(),
        jobs: [],
        nextCursor: null,
      };
      groups.set(row.fingerprint, group);
    }
    group.jobs.push(toDeadLetter(row));
    if (group.jobs.length === JOBS_PER_GROUP && group.count > JOBS_PER_GROUP) group.nextCursor = row.cursor;
  }
  return [...groups.values()];
}

/** The next `limit` jobs of one group, newest first, after `cursor` (a group's or a page's `nextCursor`). */
export async function listDeadLetterPage(boss: PgBoss, fingerprint: string, cursor: string | null, limit: number): Promise<DeadLetterPage> {
  const after = cursor ? parseCursor(cursor) : null;
  if (cursor && !after) return { jobs: [], nextCursor: null };
  const { rows } = await boss.getDb().executeSql(
    // Newest first, then the fingerprint row by row until the page is full (OFFSET 0 keeps the
    // sort below the filter): a page of a large group masks about a page of errors, not the backlog.
    `WITH ${DEAD_LETTERS}
     SELECT ${JOB_COLUMNS} FROM (
       SELECT * FROM dead d
        WHERE $3::bigint IS NULL OR (d.created_on, d.id) < (timestamptz 'epoch' + $3::bigint * interval '1 microsecond', $4::uuid)
        ORDER BY d.created_on DESC, d.id DESC
       OFFSET 0
     ) f
      WHERE ${fingerprintSql("f")} = $2
      LIMIT $5`,
    [deadLetterQueues(), fingerprint, after?.micros ?? null, after?.id ?? null, limit + 1],
  );
  const page = (rows as JobRow[]).slice(0, limit);
  return { jobs: page.map(toDeadLetter), nextCursor: rows.length > limit ? page.at(-1)!.cursor : null };
}

/** `<microseconds since epoch>:<uuid>`: exact, where a JavaScript Date would round to milliseconds. */
function parseCursor(cursor: string): { micros: string; id: string } | null {
  const match = /^(\d{1,19}):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.exec(cursor);
  return match ? { micros: match[1]!, id: match[2]! } : null;
}

function toDeadLetter(row: JobRow): DeadLetter {
  const orderId = row.data?.orderId;
  return {
    id: row.id,
    deadLetterQueue: row.dlq,
    queue: row.queue,
    orderId: typeof orderId === "string" ? orderId : null,
    data: row.data,
    error: row.error,
    retries: row.retries,
    failedAt: row.created_on.toISOString(),
    firstQueuedAt: row.source_created_on?.toISOString() ?? null,
  };
}
