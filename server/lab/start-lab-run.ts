import "server-only";
import { desc } from "drizzle-orm";
import { z } from "zod";
import { findOrCreateShopper } from "@/server/auth/api-keys";
import type { Database } from "@/server/db/client";
import { downstreamSettings, labRuns, type LabRun } from "@/server/db/schema";
import { newId } from "@/server/ids";
import type { PipelineJobs } from "@/server/pipeline/pipeline-jobs";

/**
 * Orders are per mode. The REST rate limit (RATE_LIMIT_PER_MINUTE per shopper) bounds a
 * run: async mode makes two requests per order (POST + SSE).
 */
export const labRunInputSchema = z.object({
  orders: z.number().int().min(1).max(200),
  concurrency: z.number().int().min(1).max(50),
});

/**
 * Queues a lab run: a shopper of its own (whose orders are marked as the lab's), a snapshot
 * of the downstream settings it runs under, and the job that does the work.
 */
export async function startLabRun(db: Database, jobs: PipelineJobs, input: z.input<typeof labRunInputSchema>): Promise<LabRun> {
  const { orders, concurrency } = labRunInputSchema.parse(input);
  const id = newId("lab");
  const shopper = await findOrCreateShopper(db, `${id.toLowerCase()}@lab.conveyor.test`, "Lab");
  const settings = await db.select().from(downstreamSettings);
  const [run] = await db.insert(labRuns).values({ id, shopperId: shopper.id, orders, concurrency, settings }).returning();
  await jobs.startLabRun(id);
  return run!;
}

export async function listLabRuns(db: Database, limit = 20): Promise<LabRun[]> {
  return db.select().from(labRuns).orderBy(desc(labRuns.createdAt)).limit(limit);
}
