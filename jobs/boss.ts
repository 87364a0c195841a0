import "server-only";
import { sql } from "drizzle-orm";
import { fromDrizzle, PgBoss, type SendOptions } from "pg-boss";
import { createHash } from "node:crypto";
import type { Transaction } from "@/server/db/client";
import { databaseUrl } from "@/server/env";

const globalForBoss = globalThis as unknown as { conveyorBoss?: Promise<PgBoss> };

/** A worker process registers its own (working, supervising) instance so services reuse it. */
export function registerBoss(boss: PgBoss): void {
  globalForBoss.conveyorBoss = Promise.resolve(boss);
}

/**
 * The process's pg-boss. In the web process it is created on first use and only sends jobs
 * (no workers, no maintenance), so it keeps a small pool and leaves supervision to workers.
 */
export function getBoss(): Promise<PgBoss> {
  globalForBoss.conveyorBoss ??= (async () => {
    const boss = new PgBoss({
      connectionString: databaseUrl(),
      max: 2,
      supervise: false,
      schedule: false,
      migrate: false,
      application_name: "conveyor-web-boss",
    });
    boss.on("error", (err) => console.error("[pg-boss]", err));
    await boss.start();
    return boss;
  })().catch((err) => {
    globalForBoss.conveyorBoss = undefined;
    throw err;
  });
  return globalForBoss.conveyorBoss;
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
