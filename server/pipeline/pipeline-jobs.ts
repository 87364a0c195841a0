import "server-only";
import type { QueueDepth } from "@/lib/admin-overview";
import type { Transaction } from "@/server/db/client";
import type { QueuedStepName } from "./steps";

/**
 * What the operator tooling needs of the job system besides the StepQueue (step-queue.ts):
 * the admin overview's queue depths, an order's jobs for its timeline, dead letters listed,
 * counted and redriven, an order's failed step retried, lab runs queued, and the test
 * controls' idle check and reset. jobs/pipeline-jobs.ts implements it over pg-boss; a process
 * reaches it through `services.jobs()` (server/process-services.ts), so server/ never
 * imports jobs/ nor pg-boss (decision 031).
 */
export interface PipelineJobs {
  /** Per queued step: jobs waiting, retrying, scheduled, running and dead-lettered. */
  queueDepths(): Promise<QueueDepth[]>;
  /** One order's jobs still to run and its dead letters. */
  orderJobs(orderId: string): Promise<OrderJobs>;
  /** Dead letters waiting per step, from cached counts: cheap enough for a health probe. */
  deadLetterCounts(): Promise<DeadLetterCounts>;
  /** Dead letters grouped by error fingerprint, largest group first, each with its newest jobs. */
  deadLetterGroups(): Promise<DeadLetterGroup[]>;
  /** The next `limit` dead letters of one group after `cursor`, newest first. */
  deadLetterPage(fingerprint: string, cursor: string | null, limit: number): Promise<DeadLetterPage>;
  /** Sends dead letters back to the step they failed on, with fresh retries. */
  redriveDeadLetters(target: RedriveTarget): Promise<{ redriven: number }>;
  /** Retries one order's failed step: its dead letters and its failed jobs. */
  retryOrderStep(orderId: string, step: QueuedStepName): Promise<{ retried: number }>;
  /** Queues the job that does a lab run. */
  startLabRun(runId: string): Promise<void>;
  /** Per step (and `batch.place`, a batch being placed): jobs running, or waiting to start within `horizonSeconds` (dead letters excluded). */
  pendingJobs(horizonSeconds: number): Promise<Partial<Record<QueuedStepName | "batch.place", number>>>;
  /** Deletes every pipeline and lab job (dead letters included) in the caller's transaction. */
  clearJobs(tx: Transaction): Promise<void>;
}

/** A job of an order still to run. */
export type WaitingJob = { step: string; attempt: number; queuedAt: Date; state: string; data: unknown };
/** A job of an order that exhausted its retries. */
export type DeadJob = { step: string; deadAt: Date; error: string | null; data: unknown };
export type OrderJobs = { waiting: WaitingJob[]; dead: DeadJob[] };

export type DeadLetterCounts = { total: number; byStep: Partial<Record<QueuedStepName, number>> };

export type DeadLetter = {
  id: string;
  deadLetterQueue: string;
  queue: string;
  orderId: string | null;
  /** The job's payload (jobs carry a JSON object, or none). */
  data: Record<string, unknown> | null;
  error: string;
  retries: number | null;
  failedAt: string;
  firstQueuedAt: string | null;
};

/** One error fingerprint: its size and time span, and only its newest jobs (`nextCursor` pages on). */
export type DeadLetterGroup = {
  fingerprint: string;
  queue: string;
  error: string;
  count: number;
  firstFailedAt: string;
  lastFailedAt: string;
  jobs: DeadLetter[];
  nextCursor: string | null;
};

export type DeadLetterPage = { jobs: DeadLetter[]; nextCursor: string | null };

export type RedriveTarget = { all: true } | { fingerprint: string } | { jobId: string };
