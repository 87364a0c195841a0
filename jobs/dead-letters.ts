/**
 * Dead letters — jobs that exhausted their retries — seen and recovered through pg-boss's own
 * API, for `/api/health` and `npm run jobs` (and the admin page once it exists).
 */
import type { PgBoss } from "pg-boss";
import { QUEUES, deadLetterQueue, type QueueName } from "./queues";

const STEPS = Object.values(QUEUES);

export type DeadLetterDepth = { total: number; byStep: Record<string, number> };

/**
 * Dead letters waiting per step, from the counts pg-boss's monitor keeps on its queue table
 * (refreshed by the workers every JOB_SUPERVISE_SECONDS): one cheap query, fit for a health
 * probe that may be polled often. Steps without dead letters are left out.
 */
export async function deadLetterDepth(boss: PgBoss): Promise<DeadLetterDepth> {
  const queues = await boss.getQueues(STEPS.map(deadLetterQueue));
  const byStep: Record<string, number> = {};
  let total = 0;
  for (const step of STEPS) {
    const waiting = queues.find((q) => q.name === deadLetterQueue(step))?.queuedCount ?? 0;
    if (waiting > 0) byStep[step] = waiting;
    total += waiting;
  }
  return { total, byStep };
}

export type DeadLetterGroup = { step: QueueName; count: number; lastError: string | null; lastDeadAt: Date | null };

/** Exact, per step: how many dead letters wait, and the error of the latest one. */
export async function listDeadLetters(boss: PgBoss): Promise<DeadLetterGroup[]> {
  return Promise.all(
    STEPS.map(async (step) => {
      const jobs = await boss.findJobs(deadLetterQueue(step), { queued: true });
      const latest = jobs.reduce<(typeof jobs)[number] | undefined>((a, b) => (!a || b.createdOn > a.createdOn ? b : a), undefined);
      return { step, count: jobs.length, lastError: latest ? errorMessage(latest.sourceOutput ?? latest.output) : null, lastDeadAt: latest?.createdOn ?? null };
    }),
  );
}

/**
 * Sends a step's dead letters (or every step's) back to the step they failed on, with fresh ids
 * and a fresh set of retries. Only what was dead already when the call started is moved, so a
 * job that fails again meanwhile is not swept around in a loop.
 */
export async function redriveDeadLetters(boss: PgBoss, step?: QueueName): Promise<Record<string, number>> {
  const createdBefore = new Date();
  const moved: Record<string, number> = {};
  for (const name of step ? [step] : STEPS) {
    let total = 0;
    // redrive moves at most 1000 per call, oldest first.
    while (true) {
      const batch = await boss.redrive(deadLetterQueue(name), { createdBefore });
      if (batch === 0) break;
      total += batch;
    }
    if (total > 0) moved[name] = total;
  }
  return moved;
}

/** `shipment.create` or `shipment.create.dead` → the step, else undefined. */
export function parseStep(name: string): QueueName | undefined {
  const step = name.endsWith(".dead") ? name.slice(0, -".dead".length) : name;
  return STEPS.find((s) => s === step);
}

function errorMessage(output: object | null): string | null {
  if (!output) return null;
  const { message } = output as { message?: unknown };
  return typeof message === "string" ? message : JSON.stringify(output);
}
