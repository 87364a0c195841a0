/**
 * A private, migrated and seeded database for one test file, with a pg-boss (and the step
 * queue over it) that can send jobs into it (no workers run: service tests drive the steps themselves).
 */
import { afterAll, beforeAll } from "vitest";
import { PgBoss } from "pg-boss";
import { createDatabase, type Database } from "@/server/db/client";
import { createApiKey } from "@/server/auth/api-keys";
import { pgBossBatchJobs } from "@/jobs/batch-jobs";
import { sendOnlyBossOptions } from "@/jobs/boss";
import { pgBossPipelineJobs } from "@/jobs/pipeline-jobs";
import { pgBossStepQueue } from "@/jobs/step-queue";
import type { BatchJobs } from "@/server/batches/batch-jobs";
import type { PipelineJobs } from "@/server/pipeline/pipeline-jobs";
import type { FoldingStepQueue } from "@/server/pipeline/step-queue";
import { createTestDatabase, type TestDatabase } from "./test-postgres";
import type pg from "pg";

export type ServiceDatabase = {
  db: Database;
  pool: pg.Pool;
  boss: PgBoss;
  queue: FoldingStepQueue;
  /** The operator tooling's port over the same pg-boss, injected into the server/ code under test. */
  pipeline: PipelineJobs;
  /** The batches' port over the same pg-boss. */
  batches: BatchJobs;
  url: string;
  newShopperId(): Promise<string>;
};

export function useServiceDatabase(): () => ServiceDatabase {
  let handle: ServiceDatabase | undefined;
  let database: TestDatabase | undefined;
  let shoppers = 0;
  beforeAll(async () => {
    database = await createTestDatabase();
    const { db, pool } = createDatabase(database.url, 40);
    const boss = new PgBoss(sendOnlyBossOptions(database.url, "conveyor-test", 4));
    await boss.start();
    handle = {
      db,
      pool,
      boss,
      queue: pgBossStepQueue(boss, { reconcileAfterSeconds: 300 }),
      pipeline: pgBossPipelineJobs(boss),
      batches: pgBossBatchJobs(boss),
      url: database.url,
      newShopperId: async () => (await createApiKey(db, `svc${++shoppers}.${Date.now()}@example.test`)).shopper.id,
    };
  });
  afterAll(async () => {
    await handle?.boss.stop({ graceful: false });
    await handle?.pool.end();
    await database?.drop();
  });
  return () => handle!;
}
