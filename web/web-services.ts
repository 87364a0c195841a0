import "server-only";
import { sendOnlyJobSystem } from "@/jobs/send-only-job-system";
import { getOverview } from "@/server/admin/get-overview";
import type { Env } from "@/server/env";
import { createProcessServices, type ProcessServices } from "@/server/process-services";

/**
 * The web process's services (server/process-services.ts): it only sends jobs; the admin
 * overview reads the queues through the same job system.
 */
export function createWebServices(config: Env, databaseUrl: string): ProcessServices {
  return createProcessServices({
    config,
    databaseUrl,
    startJobs: sendOnlyJobSystem,
    readOverview: async (services, window) => getOverview(services.db, (await services.jobs()).pipeline, window),
  });
}
