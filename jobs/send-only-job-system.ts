import "server-only";
import type { JobSystem } from "@/server/process-services";
import { pgBossBatchJobs } from "./batch-jobs";
import { startSendOnlyBoss } from "./boss";
import { pgBossPipelineJobs } from "./pipeline-jobs";
import { pgBossStepQueue } from "./step-queue";

/**
 * A process's job system when it only sends jobs (the web process, scripts): a send-only
 * pg-boss, and over it the step queue and the operator tooling's PipelineJobs. The process
 * builds it once, on first use (server/process-services.ts), and stops it on shutdown.
 */
export async function sendOnlyJobSystem(connectionString: string): Promise<JobSystem> {
  const boss = await startSendOnlyBoss(connectionString);
  return { steps: pgBossStepQueue(boss), pipeline: pgBossPipelineJobs(boss), batches: pgBossBatchJobs(boss), stop: () => boss.stop({ graceful: false }) };
}
