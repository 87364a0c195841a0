import "server-only";
import type { PgBoss } from "pg-boss";
import type { PipelineJobs } from "@/server/pipeline/pipeline-jobs";
import { clearJobs } from "./clear-jobs";
import { listDeadLetterGroups, listDeadLetterPage } from "./dead-letter-groups";
import { deadLetterDepth } from "./dead-letters";
import { orderJobs } from "./order-jobs";
import { pendingJobs } from "./pending-jobs";
import { queueDepths } from "./queue-depths";
import { LAB_QUEUE, type LabRunJob } from "./queues";
import { redriveDeadLetterTarget } from "./redrive-dead-letter-groups";
import { retryOrderStep } from "./retry-order-step";

/** The operator tooling's port (server/pipeline/pipeline-jobs.ts) over one pg-boss. */
export function pgBossPipelineJobs(boss: PgBoss): PipelineJobs {
  return {
    queueDepths: () => queueDepths(boss),
    orderJobs: (orderId) => orderJobs(boss, orderId),
    deadLetterCounts: () => deadLetterDepth(boss),
    deadLetterGroups: () => listDeadLetterGroups(boss),
    deadLetterPage: (fingerprint, cursor, limit) => listDeadLetterPage(boss, fingerprint, cursor, limit),
    redriveDeadLetters: (target) => redriveDeadLetterTarget(boss, target),
    retryOrderStep: (orderId, step) => retryOrderStep(boss, orderId, step),
    async startLabRun(runId) {
      const job: LabRunJob = { runId };
      await boss.send(LAB_QUEUE, job);
    },
    pendingJobs: (horizonSeconds) => pendingJobs(boss, horizonSeconds),
    clearJobs,
  };
}
