import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { STEPS, stepRow, type StepName } from "@/server/pipeline/steps";
import type { Database } from "@/server/db/client";
import { jobHandlers } from "./handlers";
import { LAB_QUEUE, MAINTENANCE_QUEUE, QUEUES } from "./queues";

describe("the step table and its pg-boss adapter", () => {
  const names = Object.keys(STEPS) as StepName[];
  const queues = new Set(names.map((name) => stepRow(name).queue).filter((queue) => queue !== ""));

  it("every queue of the table is created and has a handler; nothing is handled that the table does not list but housekeeping and lab runs", () => {
    const handlers = jobHandlers({ db: {} as Database } as never);
    expect(new Set(Object.values(QUEUES))).toEqual(queues);
    for (const queue of queues) expect(handlers[queue], queue).toBeTypeOf("function");
    expect(Object.keys(handlers).filter((queue) => !queues.has(queue)).sort()).toEqual([LAB_QUEUE, MAINTENANCE_QUEUE].sort());
  });

  it("every row names a handler file that exists, and every step a queue carries can build its job", () => {
    for (const name of names) {
      const row = stepRow(name);
      expect(existsSync(path.resolve(row.handler)), `${name}: ${row.handler}`).toBe(true);
      if (row.queue !== "") expect(row.job, name).toBeTypeOf("function");
    }
  });
});
