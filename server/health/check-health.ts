import "server-only";
import { gt, sql, count } from "drizzle-orm";
import type { Database } from "@/server/db/client";
import { workerHeartbeats } from "@/server/db/schema";

/** A worker that has not beaten for this long is considered gone. */
export const WORKER_STALE_SECONDS = 15;

/** Dead letters in total and per step that has any. */
export type DeadLetterCount = { total: number; byStep: Record<string, number> };

type Parts = { database: "ok"; workers: number; dead_letters: number; dead_letters_by_step: Record<string, number> };

/**
 * `ok` (200): database and a worker up, nothing dead-lettered. `degraded` (still 200: the
 * pipeline runs, but some orders wait on a human to redrive their dead letters). `unavailable`
 * (503): the database or every worker is gone, naming what fails.
 */
export type Health =
  | { ok: true; body: { status: "ok" | "degraded" } & Parts }
  | { ok: false; body: { status: "unavailable"; database: "ok" | "unavailable"; workers: number; failing: string[] } };

/**
 * What anyone may read (docs/api.md): the contract's three parts, and on a 503 which part
 * fails. Dead letters per step tell an outsider which third party is struggling and how many
 * orders wait on it, so they are for admins and the HEALTH_TOKEN holder only.
 */
export type PublicHealth =
  | { status: "ok"; database: "ok"; workers: number }
  | { status: "unavailable"; database: "ok" | "unavailable"; workers: number; failing: string[] };

export function publicHealth(health: Health): PublicHealth {
  if (!health.ok) return health.body;
  return { status: "ok", database: health.body.database, workers: health.body.workers };
}

export async function checkHealth(db: Database, deadLetters: () => Promise<DeadLetterCount>): Promise<Health> {
  let workers: number;
  let dead: DeadLetterCount;
  try {
    const [row] = await db
      .select({ alive: count() })
      .from(workerHeartbeats)
      .where(gt(workerHeartbeats.lastSeenAt, sql`now() - make_interval(secs => ${WORKER_STALE_SECONDS})`));
    workers = row?.alive ?? 0;
    dead = await deadLetters();
  } catch {
    return { ok: false, body: { status: "unavailable", database: "unavailable", workers: 0, failing: ["database"] } };
  }
  if (workers === 0) return { ok: false, body: { status: "unavailable", database: "ok", workers, failing: ["workers"] } };
  return {
    ok: true,
    body: { status: dead.total > 0 ? "degraded" : "ok", database: "ok", workers, dead_letters: dead.total, dead_letters_by_step: dead.byStep },
  };
}
