import "server-only";
import { gt, sql, count } from "drizzle-orm";
import type { Database } from "@/server/db/client";
import { workerHeartbeats } from "@/server/db/schema";

/** A worker that has not beaten for this long is considered gone. */
export const WORKER_STALE_SECONDS = 15;

export type Health =
  | { ok: true; body: { status: "ok"; database: "ok"; workers: number } }
  | { ok: false; body: { status: "unavailable"; database: "ok" | "unavailable"; workers: number; failing: string[] } };

export async function checkHealth(db: Database): Promise<Health> {
  let workers: number;
  try {
    const [row] = await db
      .select({ alive: count() })
      .from(workerHeartbeats)
      .where(gt(workerHeartbeats.lastSeenAt, sql`now() - make_interval(secs => ${WORKER_STALE_SECONDS})`));
    workers = row?.alive ?? 0;
  } catch {
    return { ok: false, body: { status: "unavailable", database: "unavailable", workers: 0, failing: ["database"] } };
  }
  if (workers === 0) return { ok: false, body: { status: "unavailable", database: "ok", workers, failing: ["workers"] } };
  return { ok: true, body: { status: "ok", database: "ok", workers } };
}
