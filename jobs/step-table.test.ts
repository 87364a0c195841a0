import { describe, expect, it } from "vitest";
import { STEPS, stepRow, type StepName } from "@/server/pipeline/steps";
import type { Database } from "@/server/db/client";
import { serviceHandlers, stepHandlers } from "./handlers";
import { BATCH_CHECK_QUEUE, BATCH_QUEUE, LAB_QUEUE, MAINTENANCE_QUEUE, QUEUED_STEPS, deadLetterQueues, stepOfQueue } from "./queues";

describe("the step table and its pg-boss adapter", () => {
  const names = Object.keys(STEPS) as StepName[];

  it("a step is queued exactly when its row builds a job, on the queue of its own name, and has a handler of that name", () => {
    expect([...QUEUED_STEPS].sort()).toEqual(names.filter((name) => stepRow(name).job).sort());
    const handlers = stepHandlers({ db: {} as Database } as never);
    expect(Object.keys(handlers).sort()).toEqual([...QUEUED_STEPS].sort());
    for (const step of QUEUED_STEPS) expect(handlers[step], step).toBeTypeOf("function");
    expect(Object.keys(serviceHandlers({ db: {} as Database, email: {} as never } as never)).sort()).toEqual([LAB_QUEUE, BATCH_QUEUE, BATCH_CHECK_QUEUE, MAINTENANCE_QUEUE].sort());
  });

  it("every queued step has its own dead-letter queue, and a queue name leads back to its step", () => {
    expect(deadLetterQueues()).toEqual(QUEUED_STEPS.map((step) => `${step}.dead`));
    expect(stepOfQueue("createShipment")).toBe("createShipment");
    expect(stepOfQueue("createShipment.dead")).toBe("createShipment");
    expect(stepOfQueue("placeOrder")).toBeUndefined();
    expect(stepOfQueue("shipment.create")).toBeUndefined();
  });
});
