import "server-only";
import type { JobWithMetadata } from "pg-boss";
import type { Database } from "@/server/db/client";
import { jobAttempts } from "@/server/db/schema";
import { loggerFor } from "@/server/logging/logger";

const log = loggerFor("worker");

type AttemptRow = typeof jobAttempts.$inferInsert;

const FLUSH_INTERVAL_MS = 200;
const MAX_BUFFERED = 5000;

export type JobAttemptRecorder = {
  record(queue: string, job: JobWithMetadata, startedAt: Date, outcome: "completed" | "failed", error?: string): void;
  flush(): Promise<void>;
  stop(): Promise<void>;
};

/**
 * Keeps the history of job attempts for the admin (timeline waterfall, queue wait vs run
 * time). Rows are buffered and written in one INSERT every 200 ms, so observability costs
 * the pipeline one statement per batch instead of one per job. It is best effort: a crash
 * loses at most the last 200 ms of history, never a job.
 */
export function createJobAttemptRecorder(db: Database): JobAttemptRecorder {
  let buffer: AttemptRow[] = [];
  let flushing: Promise<void> = Promise.resolve();

  const flush = () => {
    if (buffer.length === 0) return flushing;
    const rows = buffer;
    buffer = [];
    flushing = flushing
      .then(() => db.insert(jobAttempts).values(rows))
      .then(
        () => undefined,
        (err: Error) => log.error({ err }, `could not record ${rows.length} job attempts`),
      );
    return flushing;
  };
  const timer = setInterval(() => void flush(), FLUSH_INTERVAL_MS);
  timer.unref();

  return {
    record(queue, job, startedAt, outcome, error) {
      if (buffer.length >= MAX_BUFFERED) return;
      const orderId = (job.data as { orderId?: unknown } | null)?.orderId;
      buffer.push({
        jobId: job.id,
        queue,
        orderId: typeof orderId === "string" ? orderId : null,
        attempt: job.retryCount + 1,
        // A first attempt waited since the job was created; a retry since it came due again.
        queuedAt: job.retryCount === 0 ? job.createdOn : job.startAfter,
        startedAt,
        finishedAt: new Date(),
        outcome,
        error: error?.slice(0, 2000) ?? null,
      });
    },
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
