import { sql } from "drizzle-orm";
import { bigserial, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { shoppers } from "./shoppers";

/**
 * Every attempt of every pipeline job, as the worker saw it. pg-boss keeps only the latest
 * attempt of a job (and deletes completed jobs after a week), so the order timeline's
 * waterfall and the per-step "queue wait vs run time" figures are read from here, with
 * indexes of our own instead of scanning pg-boss's tables.
 */
export const jobAttempts = pgTable(
  "job_attempts",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    jobId: text("job_id").notNull(),
    queue: text("queue").notNull(),
    orderId: text("order_id"),
    attempt: integer("attempt").notNull(),
    queuedAt: timestamp("queued_at", { withTimezone: true }).notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }).notNull(),
    outcome: text("outcome", { enum: ["completed", "failed"] }).notNull(),
    error: text("error"),
  },
  (t) => [index("job_attempts_order_idx").on(t.orderId, t.startedAt), index("job_attempts_finished_idx").on(t.finishedAt)],
);

export type JobAttempt = typeof jobAttempts.$inferSelect;

export const WEBHOOK_OUTCOMES = ["processed", "duplicate", "rejected_signature", "invalid", "unknown_order"] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

/**
 * Every signed delivery to /webhooks/payments, including the ones we refused (schema
 * violation, unknown order) and the duplicates we dropped: the admin timeline shows what the
 * provider actually sent, not only what changed an order. Deliveries whose signature fails
 * are anybody's and are only counted (server/payments/refused-webhooks.ts); rows of
 * `rejected_signature` are from before that. Pruned after WEBHOOK_LOG_RETENTION_DAYS by the
 * hourly maintenance job.
 */
export const webhookLog = pgTable(
  "webhook_log",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    webhookId: text("webhook_id"),
    orderId: text("order_id"),
    event: text("event"),
    outcome: text("outcome", { enum: WEBHOOK_OUTCOMES }).notNull(),
    detail: text("detail"),
    // The raw body as received (capped), so an admin can read exactly what came in.
    payload: text("payload").notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().default(sql`clock_timestamp()`),
  },
  (t) => [index("webhook_log_order_idx").on(t.orderId, t.seq), index("webhook_log_received_idx").on(t.receivedAt)],
);

export type WebhookLogEntry = typeof webhookLog.$inferSelect;

export const LAB_MODES = ["direct", "wait", "async"] as const;
export type LabMode = (typeof LAB_MODES)[number];

export type LabModeResult = {
  mode: LabMode;
  requests: number;
  errors: number;
  lost: number;
  ack: { p50: number; p95: number; p99: number };
  confirmed: { p50: number; p95: number; p99: number };
  /** Acknowledgement latency of each request in ms, in completion order (for the chart). */
  ackSamples: number[];
};

/**
 * A lab run: N checkouts at concurrency C in each mode, executed by a pg-boss job (so a
 * closed tab does not stop it). The run's own shopper places its orders, which is how lab
 * orders are told apart from the shop's (orders.lab_run_id).
 */
export const labRuns = pgTable(
  "lab_runs",
  {
    id: text("id").primaryKey(),
    shopperId: text("shopper_id")
      .notNull()
      .unique()
      .references(() => shoppers.id),
    orders: integer("orders").notNull(),
    concurrency: integer("concurrency").notNull(),
    status: text("status", { enum: ["queued", "running", "finished", "failed"] }).notNull().default("queued"),
    completed: integer("completed").notNull().default(0),
    // Downstream settings when the run started, to compare runs later.
    settings: jsonb("settings").$type<Record<string, unknown>[]>().notNull().default([]),
    results: jsonb("results").$type<LabModeResult[]>().notNull().default([]),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("lab_runs_created_idx").on(t.createdAt)],
);

export type LabRun = typeof labRuns.$inferSelect;
