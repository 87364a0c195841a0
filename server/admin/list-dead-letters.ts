import "server-only";
import { createHash } from "node:crypto";
import type { PgBoss } from "pg-boss";
import { QUEUES, deadLetterQueue, type QueueName } from "@/jobs/queues";

export type DeadLetter = {
  id: string;
  deadLetterQueue: string;
  queue: string;
  orderId: string | null;
  data: unknown;
  error: string;
  retries: number | null;
  failedAt: string;
  firstQueuedAt: string | null;
};

export type DeadLetterGroup = { fingerprint: string; queue: string; error: string; count: number; jobs: DeadLetter[] };

/**
 * Dead-lettered jobs of every pipeline queue, grouped by error fingerprint: the source queue
 * plus the error message with its variable parts (ids, numbers, quoted text) masked, so a
 * thousand "carrier: HTTP 503 …" failures are one group with a count.
 */
export async function listDeadLetters(boss: PgBoss): Promise<DeadLetterGroup[]> {
  const queues = Object.values(QUEUES) as QueueName[];
  const perQueue = await Promise.all(queues.map((q) => boss.findJobs<Record<string, unknown>>(deadLetterQueue(q), { queued: true })));
  const groups = new Map<string, DeadLetterGroup>();
  perQueue.forEach((jobs, i) => {
    for (const job of jobs) {
      const queue = job.sourceName ?? queues[i]!;
      const error = errorMessage(job.sourceOutput);
      const fingerprint = fingerprintOf(queue, error);
      let group = groups.get(fingerprint);
      if (!group) groups.set(fingerprint, (group = { fingerprint, queue, error, count: 0, jobs: [] }));
      group.count++;
      const orderId = job.data?.orderId;
      group.jobs.push({
        id: job.id,
        deadLetterQueue: deadLetterQueue(queues[i]!),
        queue,
        orderId: typeof orderId === "string" ? orderId : null,
        data: job.data,
        error,
        retries: job.sourceRetryCount,
        failedAt: job.createdOn.toISOString(),
        firstQueuedAt: job.sourceCreatedOn?.toISOString() ?? null,
      });
    }
  });
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

function errorMessage(output: object | null): string {
  if (!output) return "(no error recorded)";
  const message = (output as { message?: unknown }).message;
  return typeof message === "string" ? message : JSON.stringify(output).slice(0, 500);
}

export function fingerprintOf(queue: string, error: string): string {
  const masked = error
    .replace(/\b[a-z]{2,4}_[A-Za-z0-9]{6,}\b/g, "<id>")
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<uuid>")
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\d+/g, "<n>");
  return createHash("sha256").update(`${queue}\n${masked}`).digest("hex").slice(0, 16);
}
