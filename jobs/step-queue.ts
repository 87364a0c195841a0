import "server-only";
import type { Transaction } from "@/server/db/client";
import { env } from "@/server/env";
import type { StepQueue } from "@/server/pipeline/step-queue";
import { nextSteps, stepRow, type Outcome, type StepContext, type StepName, type StepSettings } from "@/server/pipeline/steps";
import { enqueueInTx, getBoss, jobInsertCtes, type JobSender, type PlannedJob } from "./boss";

/**
 * The pg-boss side of the step table: for an outcome, enqueue every next step whose
 * condition holds, in the caller's transaction, with a deterministic job id per
 * (queue, key) so an outcome reported twice enqueues nothing twice (decision 003).
 */
export function pgBossStepQueue(boss: JobSender, settings: StepSettings = stepSettings()): StepQueue {
  return {
    async advance(tx: Transaction, from, outcome, ctx) {
      const enqueued: StepName[] = [];
      for (const { step, job } of planJobs(from, outcome, ctx, settings)) {
        await enqueueInTx(boss, tx, job.queue, job.data, job.key, job.startAfterSeconds ? { startAfter: job.startAfterSeconds } : {});
        enqueued.push(step);
      }
      return enqueued;
    },
    foldAdvance(from, outcome, contexts) {
      const planned = contexts.flatMap((ctx) => planJobs(from, outcome, ctx, settings));
      return jobInsertCtes(planned.map((p) => p.job));
    },
  };
}

/** The table's next steps for an outcome whose condition holds, each as the job to enqueue. */
function planJobs<S extends StepName>(from: S, outcome: Outcome<S>, ctx: StepContext, settings: StepSettings): { step: StepName; job: PlannedJob }[] {
  const planned: { step: StepName; job: PlannedJob }[] = [];
  for (const name of nextSteps(from, outcome)) {
    const row = stepRow(name);
    if (!row.job || (row.when && !row.when(ctx))) continue;
    const job = row.job(ctx, `${from}:${outcome}`, settings);
    planned.push({ step: name, job: { queue: row.queue, data: job.data, key: job.key, startAfterSeconds: job.startAfterSeconds } });
  }
  return planned;
}

export function stepSettings(): StepSettings {
  return { reconcileAfterSeconds: env().PAYMENT_RECONCILE_AFTER_SECONDS };
}

const globalForQueue = globalThis as unknown as { conveyorWebStepQueue?: Promise<StepQueue> };

/**
 * The web process's StepQueue over its send-only pg-boss, one per process (on globalThis:
 * the web process loads this module in two graphs, decision 022). Intake's groups are per
 * graph (server/orders/place-order.ts), so the native POST /api/orders and Next's tRPC
 * checkout each group their own requests; both share the one connection pool.
 */
export function webStepQueue(): Promise<StepQueue> {
  globalForQueue.conveyorWebStepQueue ??= getBoss().then(
    (boss) => pgBossStepQueue(boss),
    (err: unknown) => {
      globalForQueue.conveyorWebStepQueue = undefined;
      throw err;
    },
  );
  return globalForQueue.conveyorWebStepQueue;
}
