import "server-only";
import { badRequest } from "@/server/errors";
import type { PipelineJobs } from "@/server/pipeline/pipeline-jobs";
import { isQueuedStep } from "@/server/pipeline/steps";

/** An admin's retry of one order's failed step (PipelineJobs.retryOrderStep), for a step of the table only. */
export async function retryOrderStep(jobs: PipelineJobs, orderId: string, step: string): Promise<{ retried: number }> {
  if (!isQueuedStep(step)) throw badRequest(`Unknown step ${step}.`);
  return jobs.retryOrderStep(orderId, step);
}
