import "server-only";
import type { Transaction } from "@/server/db/client";
import { env } from "@/server/env";
import { afterTheMove, onlyWithTheMove } from "@/server/orders/order-state-machine";
import type { FoldingStepQueue } from "@/server/pipeline/step-queue";
import { nextSteps, stepRow, withdrawnSteps, type Outcome, type StepContext, type StepName, type StepSettings } from "@/server/pipeline/steps";
import { jobTraceFields, joinTraceFields } from "@/server/telemetry/spans";
import { enqueueInTx, jobInsertCtes, jobRows, jobsInsertAlongside, stepJobId, waitingJobsDelete, type JobSender, type PlannedJob } from "./boss";

/**
 * The pg-boss side of the step table: for an outcome, enqueue every next step whose
 * condition holds, in the caller's transaction, with a deterministic job id per
 * (queue, key) so an outcome reported twice enqueues nothing twice (decision 003).
 */
export function pgBossStepQueue(boss: JobSender, settings: StepSettings = stepSettings()): FoldingStepQueue {
  return {
    async advance(tx: Transaction, from, outcome, ctx) {
      const enqueued: StepName[] = [];
      for (const { step, job } of planJobs(from, outcome, ctx, settings)) {
        await enqueueInTx(boss, tx, job.queue, job.data, job.key, job.startAfterSeconds ? { startAfter: job.startAfterSeconds } : {});
        enqueued.push(step);
      }
      return enqueued;
    },
    foldAdvance(from, outcome, contexts, onlyIf) {
      const planned = contexts.flatMap((ctx) => planJobs(from, outcome, ctx, settings));
      return jobInsertCtes(planned.map((p) => p.job), onlyIf);
    },
    advanceAlongside(from, outcome, ctx) {
      const planned = planJobs(from, outcome, ctx, settings);
      if (planned.length === 0) return [];
      const rows = `${from}Next`;
      return [{ name: `advance:${from}`, write: (moved) => jobsInsertAlongside(rows, onlyWithTheMove(moved)), values: { [rows]: jobRows(planned.map((p) => p.job)) } }];
    },
    withdrawWaiting(from, ctx) {
      return withdrawnSteps(from).map((step) => {
        const keys = stepRow(step).keys?.(ctx);
        if (!keys) throw new Error(`${from} withdraws ${step}, whose row does not list its keys.`);
        const ids = `${step}WithdrawnIds`;
        return { name: `withdraw:${step}`, write: (moved) => waitingJobsDelete(step, ids, afterTheMove(moved)), values: { [ids]: keys.map((key) => stepJobId(step, key)) } };
      });
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
    // The job carries its place in the order's trace (decision 034): the worker's consumer span continues it.
    const data = { ...job.data, ...jobTraceFields(ctx.order?.traceParent), ...joinTraceFields(row.fanIn?.(ctx)) };
    planned.push({ step: name, job: { queue: name, data, key: job.key, startAfterSeconds: job.startAfterSeconds } });
  }
  return planned;
}

export function stepSettings(): StepSettings {
  return { reconcileAfterSeconds: env().PAYMENT_RECONCILE_AFTER_SECONDS };
}
