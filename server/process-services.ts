import "server-only";
import type pg from "pg";
import type { Overview, OverviewWindow } from "@/lib/admin-overview";
import { OverviewBroadcaster } from "@/server/admin/overview-broadcaster";
import { createAuth, type Auth } from "@/server/auth/auth";
import type { BatchJobs } from "@/server/batches/batch-jobs";
import { createDatabase, type Database } from "@/server/db/client";
import type { Env } from "@/server/env";
import { RateLimits } from "@/server/http/rate-limit";
import { RefusedWebhooks } from "@/server/payments/refused-webhooks";
import type { PipelineJobs } from "@/server/pipeline/pipeline-jobs";
import type { StepQueue } from "@/server/pipeline/step-queue";
import { HeartbeatTickers } from "@/server/realtime/heartbeat-ticker";
import { OrderEventHub } from "@/server/realtime/order-event-hub";
import { StreamSlots, streamSlotsFor } from "@/server/realtime/stream-slots";

/**
 * What a process gets from the job system (jobs/ builds it: server/ never imports jobs/ nor
 * pg-boss): the step queue services report outcomes through, and the operator tooling's view
 * of the jobs (admin, lab, test controls; server/pipeline/pipeline-jobs.ts).
 */
export type JobSystem = { steps: StepQueue; pipeline: PipelineJobs; batches: BatchJobs; stop(): Promise<void> };

/**
 * Everything a process shares, built once by its entry point and handed on explicitly (the
 * web server to its routes and pages, the worker to its handlers, a script or a test to the
 * services it calls): one pool, one job system, one LISTEN hub, one set of rate budgets,
 * one better-auth. No module keeps any of it: code loaded twice could not split it, and
 * two instances in one process (two stacks in one test) do not meet.
 * docs/decisions/030-one-graph-process-services.md.
 */
export type ProcessServices = {
  config: Env;
  pool: pg.Pool;
  db: Database;
  /** The job system, connected on first use: a process that never enqueues never starts pg-boss. */
  jobs(): Promise<JobSystem>;
  hub: OrderEventHub;
  heartbeats: HeartbeatTickers;
  limits: RateLimits;
  auth: Auth;
  streamSlots: StreamSlots;
  refusedWebhooks: RefusedWebhooks;
  overview: OverviewBroadcaster;
  /** Closes what the process opened (pool, LISTEN connection, pg-boss). */
  close(): Promise<void>;
};

export type ProcessServicesOptions = {
  config: Env;
  databaseUrl: string;
  /** Pool size; the configuration's DB_POOL_MAX unless a script or test wants fewer. */
  poolMax?: number;
  /** Builds the job system (jobs/send-only-job-system.ts). */
  startJobs: (databaseUrl: string) => Promise<JobSystem>;
  /** Reads the admin overview of a window (server/admin/get-overview.ts over this process's jobs). */
  readOverview: (services: ProcessServices, window: OverviewWindow) => Promise<Overview>;
};

export function createProcessServices(options: ProcessServicesOptions): ProcessServices {
  const { config, databaseUrl } = options;
  const { pool, db } = createDatabase(databaseUrl, options.poolMax ?? config.DB_POOL_MAX);
  let jobs: Promise<JobSystem> | undefined;
  const hub = new OrderEventHub(databaseUrl);
  const services: ProcessServices = {
    config,
    pool,
    db,
    jobs() {
      // A failed start is not kept: the next caller tries again (the database may be back).
      jobs ??= options.startJobs(databaseUrl).catch((err: unknown) => {
        jobs = undefined;
        throw err;
      });
      return jobs;
    },
    hub,
    heartbeats: new HeartbeatTickers(),
    limits: new RateLimits(config),
    auth: createAuth(config, db),
    streamSlots: streamSlotsFor(config),
    refusedWebhooks: new RefusedWebhooks(),
    overview: new OverviewBroadcaster((window) => options.readOverview(services, window)),
    async close() {
      await hub.close();
      if (jobs) await (await jobs.catch(() => undefined))?.stop();
      await pool.end();
    },
  };
  return services;
}
