/**
 * Worker process entry: `npm run worker` (the launcher starts WORKER_PROCESSES of these).
 * Works every pipeline queue, woken by LISTEN/NOTIFY; beats into worker_heartbeats for
 * /api/health; on SIGTERM stops fetching, lets active jobs finish, then exits.
 */
import "server-only";
import { hostname } from "node:os";
import { PgBoss, type JobWithMetadata } from "pg-boss";
import { createDatabase } from "@/server/db/client";
import { workerHeartbeats } from "@/server/db/schema";
import { httpEmailService } from "@/server/email/email-service";
import { databaseUrl } from "@/server/env";
import { newId } from "@/server/ids";
import { httpInvoicingService } from "@/server/invoices/invoicing-service";
import { httpPaymentProvider } from "@/server/payments/payment-provider";
import { lowerProcessPriority } from "@/server/processes/lower-process-priority";
import { httpCarrierService } from "@/server/shipping/carrier-service";
import { createJobAttemptRecorder, type JobAttemptRecorder } from "./job-attempt-recorder";
import { eq, sql } from "drizzle-orm";
import { pgBossBatchJobs } from "./batch-jobs";
import { withNamedStatements } from "./boss";
import { pgBossStepQueue } from "./step-queue";
import { serviceHandlers, stepHandlers, webhookHandlers, type Handler } from "./handlers";
import { MAINTENANCE_QUEUE, QUEUED_STEPS, WEBHOOK_DELIVERY_QUEUE, queuePolicyConfig } from "./queues";
import { setupQueues } from "./setup-queues";
import { watchDueJobs } from "./due-job-watcher";
import { loadConfiguration } from "@/scripts/process-startup";
import { installTracing } from "@/server/telemetry/tracing";
import { inJobSpan } from "./job-span";
import { loggerFor } from "@/server/logging/logger";

const log = loggerFor("worker");

const HEARTBEAT_INTERVAL_MS = 5000;
const SHUTDOWN_TIMEOUT_MS = 25_000;
/** Each queue's own pg-boss poll: only the safety net behind NOTIFY and the due-job watcher (decision 049). */
const DUE_SAFETY_NET_SECONDS = 30;

async function main(): Promise<void> {
  // The launcher hands the worker its environment (with DATABASE_URL): no .env, no embedded Postgres.
  const config = loadConfiguration("worker", { dotEnv: false });
  const tracing = installTracing("conveyor-worker", config.TRACE_RETENTION_DAYS);
  lowerProcessPriority(config.WORKER_NICE, "worker");
  const concurrency = config.WORKER_CONCURRENCY;
  // How a waiting job reaches a worker (decision 049): a job sent to run now wakes its queue's
  // worker by NOTIFY at once; every other way in — a retry whose backoff ended, a delayed job,
  // a queue without NOTIFY (lab, batches, housekeeping), any job while the LISTEN connection
  // is down — is one look over every queue, the due-job watcher, every JOB_POLL_SECONDS or
  // 2 s when that is shorter (decision 043's bounds). Each queue's own pg-boss poll is only
  // the safety net behind it.
  const dueJobLookMs = Math.min(2, config.JOB_POLL_SECONDS) * 1000;
  // A job holds at most one connection at a time, and never while a third party answers;
  // webhook deliveries hold one only around their short statements. The pool is smaller than
  // the jobs that may run at once: a statement waits here for a connection instead of as one
  // more runnable Postgres backend competing with the web server's intake, whose p99 under a
  // busy pipeline fell from ~143 to ~110 ms with 4 connections instead of 12 (decision 053).
  const { db, pool } = createDatabase(databaseUrl(), config.WORKER_DB_POOL_MAX);
  tracing.attachStore(pool);
  // pg-boss's fetches and completions get a pool of the same size, whatever WORKER_CONCURRENCY
  // (it grew with it before decision 054): the process's connections stay inside the budget of
  // docs/scaling.md however many jobs run at once.
  const boss = new PgBoss(withNamedStatements({
    connectionString: databaseUrl(),
    application_name: "conveyor-worker",
    max: config.WORKER_DB_POOL_MAX,
    useListenNotify: true,
    migrate: false,
    superviseIntervalSeconds: config.JOB_SUPERVISE_SECONDS,
    monitorIntervalSeconds: config.JOB_SUPERVISE_SECONDS,
  }));
  boss.on("error", (err: Error) => log.error({ err }, "pg-boss error"));
  await boss.start();
  // The retry policy is the queue's, copied into each job as it is sent: applying this
  // process's JOB_RETRY_* / JOB_HEARTBEAT_SECONDS before working makes them take effect
  // with a restart of the workers, not only of the launcher.
  await setupQueues(boss, queuePolicyConfig(config));

  const queue = pgBossStepQueue(boss);
  const attempts = createJobAttemptRecorder(db);
  const email = httpEmailService();
  const steps = stepHandlers({
    db,
    queue,
    payments: httpPaymentProvider(),
    invoicing: httpInvoicingService(),
    email,
    carrier: httpCarrierService(),
  });
  // Exactly the table's queued steps (a batch each), then the lab and housekeeping queues (one job at a time).
  const subscriptions: { queue: string; handler: Handler; batchSize: number }[] = [
    ...QUEUED_STEPS.map((step) => ({ queue: step, handler: steps[step], batchSize: concurrency })),
    ...Object.entries(serviceHandlers({ db, queue, email, batches: pgBossBatchJobs(boss) })).map(([queue, handler]) => ({ queue, handler, batchSize: 1 })),
  ];
  // One poller per queue, taking a batch of up to `concurrency` jobs and running them in
  // parallel. A NOTIFY wakes it (or, when it is busy, makes it fetch again as soon as its
  // batch is done), and a full batch means more is waiting, so it fetches again at once
  // (burst) and a backlog drains without waiting on the poll interval. Two pollers per queue
  // both woke on every NOTIFY and one of the two fetches came back empty (decision 024).
  //
  // A job that failed is failed on its own, fenced by the attempt it was fetched at; when the
  // batch handler returns, pg-boss completes the batch by id in one statement, and the fence
  // leaves the failed ones alone. Not `perJobResults`: pg-boss 12.35 completes those through a
  // join with a JSON recordset that Postgres plans as a scan of every job the queue keeps (a
  // week of completed ones), about 1,400 buffers per completion in the bench (decision 047).
  const workerIds = new Map<string, string>();
  for (const { queue, handler, batchSize } of subscriptions) {
    const id = await boss.work(
      queue,
      {
        includeMetadata: true,
        batchSize,
        localConcurrency: 1,
        burstWhenBatchFull: true,
        pollingIntervalSeconds: DUE_SAFETY_NET_SECONDS,
        notifyPollingIntervalSeconds: queue === MAINTENANCE_QUEUE ? 60 : DUE_SAFETY_NET_SECONDS,
      },
      async (jobs) => {
        const failures = await Promise.all(jobs.map((job) => settle(queue, job as JobWithMetadata, handler, attempts)));
        for (const [i, failure] of failures.entries()) {
          if (failure) await boss.fail(queue, jobs[i]!, failure);
        }
      },
    );
    workerIds.set(queue, id);
  }

  // Webhook deliveries wait on other people's servers (up to 15 s each): their own pollers,
  // one job each so a slow endpoint holds one slot and never a batch, and pg-boss's
  // groupConcurrency (jobs grouped by endpoint, counted in the database across every worker)
  // so a dead endpoint holds at most WEBHOOK_ENDPOINT_CONCURRENCY of them.
  const deliver = webhookHandlers({ db, email })[WEBHOOK_DELIVERY_QUEUE];
  const deliveryWorkerId = await boss.work(
    WEBHOOK_DELIVERY_QUEUE,
    {
      includeMetadata: true,
      batchSize: 1,
      localConcurrency: config.WEBHOOK_DELIVERY_CONCURRENCY,
      groupConcurrency: config.WEBHOOK_ENDPOINT_CONCURRENCY,
      pollingIntervalSeconds: DUE_SAFETY_NET_SECONDS,
      notifyPollingIntervalSeconds: DUE_SAFETY_NET_SECONDS,
    },
    // Not in job_attempts (the orders' timelines): each attempt is in webhook_attempts, the endpoint's delivery log.
    async ([job]) => {
      if (!job) return;
      // A consumer span like every job's; the attempt itself is a CLIENT span in the order's trace (deliverWebhookMessage).
      return inJobSpan(WEBHOOK_DELIVERY_QUEUE, job as JobWithMetadata, async () => {
        try {
          return { result: await deliver(job as JobWithMetadata<never>) };
        } catch (err) {
          log.error({ err, job_id: job.id, queue: WEBHOOK_DELIVERY_QUEUE }, "delivery job failed");
          throw err;
        }
      });
    },
  );

  workerIds.set(WEBHOOK_DELIVERY_QUEUE, deliveryWorkerId);
  const dueJobs = watchDueJobs({
    pool,
    queues: [...workerIds.keys()],
    intervalMs: dueJobLookMs,
    wake: (queue) => boss.notifyWorker(workerIds.get(queue)!),
  });

  const workerId = newId("whk");
  await db.insert(workerHeartbeats).values({ id: workerId, pid: process.pid, hostname: hostname() });
  const beat = setInterval(() => {
    db.update(workerHeartbeats)
      .set({ lastSeenAt: sql`now()` })
      .where(eq(workerHeartbeats.id, workerId))
      .catch((err: Error) => log.error({ err }, "heartbeat failed"));
  }, HEARTBEAT_INTERVAL_MS);
  log.info(`${workerId} working ${subscriptions.length} queues × ${concurrency}`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: finishing active jobs…`);
    clearInterval(beat);
    await dueJobs.stop();
    // graceful: stop fetching, wait for active jobs (up to the timeout), then fail the rest back to the queue.
    await boss.stop({ graceful: true, timeout: SHUTDOWN_TIMEOUT_MS }).catch((err: unknown) => log.error({ err }, "stop failed"));
    await attempts.stop();
    await tracing.shutdown().catch(() => {});
    await db.delete(workerHeartbeats).where(eq(workerHeartbeats.id, workerId)).catch(() => {});
    await pool.end().catch(() => {});
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

/**
 * Runs one job of a batch and records the attempt. Resolves with nothing when the job is done,
 * or with the failure its caller fails that job alone with (pg-boss retries it, or dead-letters
 * it once its retries are spent); the job's output is not kept (nothing reads it: each attempt
 * is in job_attempts).
 */
async function settle(queue: string, job: JobWithMetadata, handler: Handler, attempts: JobAttemptRecorder): Promise<{ message: string } | undefined> {
  const startedAt = new Date();
  const orderId = orderIdOf(job);
  try {
    // The lines are written inside the job's span, so they carry the order's trace id.
    await inJobSpan(queue, job, async () => {
      try {
        const result = await handler(job as JobWithMetadata<never>);
        log.debug({ queue, job_id: job.id, order_id: orderId, ms: Date.now() - startedAt.getTime() }, `${queue} job done`);
        return result;
      } catch (err) {
        log.warn({ queue, job_id: job.id, order_id: orderId, attempt: job.retryCount + 1, attempts: job.retryLimit + 1, err }, `${queue} job failed`);
        throw err;
      }
    });
    attempts.record(queue, job, startedAt, "completed");
    return undefined;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    attempts.record(queue, job, startedAt, "failed", message);
    return { message };
  }
}

function orderIdOf(job: JobWithMetadata): string | undefined {
  const orderId = (job.data as { orderId?: unknown } | null)?.orderId;
  return typeof orderId === "string" ? orderId : undefined;
}

main().catch((err) => {
  log.fatal({ err }, "failed to start");
  process.exit(1);
});
