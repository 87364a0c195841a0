/**
 * Until decision 031 a step's queue had a name of its own (`shipment.create` for the
 * createShipment step) and both notices shared `email.notification`. Every queue is now named
 * after its step. A database set up before then still has the old queues, maybe with jobs
 * waiting in them that no worker works any more: this moves those jobs into the queue of
 * their step, then deletes the old queues. Idempotent (a database without old queues is left
 * alone), run by prepare-database after the new queues exist, before any worker starts.
 * Decision 037 folded the sendConfirmation step into createInvoice: its queue is retired the
 * same way (a moved job invoices again — the provider dedupes it — and sends the email).
 */
import { sql, type SQL } from "drizzle-orm";
import type { PgBoss } from "pg-boss";
import type { Database } from "@/server/db/client";
import type { QueuedStepName } from "@/server/pipeline/steps";
import { PG_BOSS_JOB_TABLE } from "./dead-letter-table";

/** An old queue and the step its jobs belong to; a notice's job says itself to whom it goes. */
type Renamed = { old: string; step: QueuedStepName } | { old: string; step: (data: SQL) => SQL };

const notice = (data: SQL) => sql`CASE WHEN ${data}->>'to' = 'warehouse' THEN 'notifyWarehouse' ELSE 'notifyShopper' END`;

export const RENAMED_QUEUES: readonly Renamed[] = [
  { old: "payment.charge", step: "chargePayment" },
  { old: "payment.reconcile", step: "reconcilePayment" },
  { old: "inventory.reserve", step: "reserveStock" },
  { old: "inventory.resume", step: "resumeBackorders" },
  { old: "review.expire", step: "expireReview" },
  { old: "invoice.create", step: "createInvoice" },
  { old: "email.confirmation", step: "createInvoice" },
  { old: "sendConfirmation", step: "createInvoice" },
  { old: "shipment.create", step: "createShipment" },
  { old: "payment.reverse", step: "reversePayment" },
  { old: "email.notification", step: notice },
];

const OLD_DEAD = (old: string) => `${old}.dead`;

/**
 * Moves every job an old queue still owes (created, retrying, or active when its worker
 * stopped) and every waiting dead letter of its dead-letter queue into the new queues, in one
 * transaction, then deletes the old queues with what is left in them: finished jobs, whose
 * history the admin keeps in job_attempts anyway. A moved job keeps its id, payload and
 * retry count; its dead-letter queue and a dead letter's source become the new names, so a
 * redrive sends it to the step's queue. Returns how many jobs moved.
 */
export async function retireRenamedQueues(db: Database, boss: PgBoss): Promise<number> {
  const existing = new Set((await boss.getQueues()).map((q) => q.name));
  const present = RENAMED_QUEUES.filter((r) => existing.has(r.old) || existing.has(OLD_DEAD(r.old)));
  if (present.length === 0) return 0;
  const job = sql.raw(PG_BOSS_JOB_TABLE);
  const moved = await db.transaction(async (tx) => {
    let count = 0;
    for (const { old, step } of present) {
      const target = typeof step === "string" ? sql`${step}::text` : step(sql.raw("data"));
      const { rowCount: pending } = await tx.execute(sql`
        UPDATE ${job} SET name = ${target}, dead_letter = ${target} || '.dead'
         WHERE name = ${old} AND state < 'completed'`);
      const { rowCount: dead } = await tx.execute(sql`
        UPDATE ${job} SET name = ${target} || '.dead', source_name = CASE WHEN source_name IS NULL THEN NULL ELSE ${target} END
         WHERE name = ${OLD_DEAD(old)} AND state < 'active'`);
      count += (pending ?? 0) + (dead ?? 0);
    }
    return count;
  });
  // The step queue first: its finished jobs still name the dead-letter queue.
  for (const { old } of present) {
    if (existing.has(old)) await boss.deleteQueue(old);
    if (existing.has(OLD_DEAD(old))) await boss.deleteQueue(OLD_DEAD(old));
  }
  return moved;
}
