import type { Transaction } from "@/server/db/client";
import type { Outcome, StepContext, StepName } from "./steps";

/**
 * The one thing services need of the job system: report that a step (or entry point)
 * ended with an outcome, inside the caller's transaction, so the next steps the table
 * (steps.ts) lists commit or roll back with the change that produced the outcome.
 * jobs/step-queue.ts implements it over pg-boss; server/ never imports jobs/.
 */
export interface StepQueue {
  advance<S extends StepName>(tx: Transaction, from: S, outcome: Outcome<S>, ctx: StepContext): Promise<StepName[]>;
}

const globalForQueue = globalThis as unknown as { conveyorStepQueue?: () => Promise<StepQueue> };

/**
 * The process's StepQueue, for code that is not handed one (the tRPC routers). The
 * composition root installs it: the web's tRPC route and the worker.
 */
export function provideStepQueue(factory: () => Promise<StepQueue>): void {
  globalForQueue.conveyorStepQueue = factory;
}

export function stepQueue(): Promise<StepQueue> {
  const factory = globalForQueue.conveyorStepQueue;
  if (!factory) throw new Error("No StepQueue installed (provideStepQueue).");
  return factory();
}
