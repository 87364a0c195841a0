import "server-only";
import type { SQL } from "drizzle-orm";
import type { Transaction } from "@/server/db/client";
import type { AlongsideWrite } from "@/server/orders/order-state-machine";
import type { Outcome, StepContext, StepName } from "./steps";

/**
 * The one thing services need of the job system: report that a step (or entry point)
 * ended with an outcome, inside the caller's transaction, so the next steps the table
 * (steps.ts) lists commit or roll back with the change that produced the outcome.
 * jobs/step-queue.ts implements it over pg-boss; server/ never imports jobs/.
 */
export interface StepQueue {
  advance<S extends StepName>(tx: Transaction, from: S, outcome: Outcome<S>, ctx: StepContext): Promise<StepName[]>;
  /**
   * Optional: the jobs `advance` would enqueue for this outcome in each of `contexts` (one per
   * order), as SQL the caller folds into one of its own statements (`WITH <ctes>, … SELECT
   * <inserted>, …`), for the hot path that cannot spend a round trip per job (intake, decision
   * 022). Without it callers use `advance`.
   */
  foldAdvance?<S extends StepName>(from: S, outcome: Outcome<S>, contexts: StepContext[], onlyIf?: SQL): FoldedAdvance;
  /**
   * The jobs for this context of the steps the table says `from` withdraws (`withdraws`), that
   * are still waiting to start, deleted by a write the caller's transition makes alongside
   * (decision 058): they commit or roll back with the outcome that made them pointless. A job
   * already running is left to finish; it finds nothing to do.
   */
  withdrawWaiting(from: StepName, ctx: StepContext): AlongsideWrite[];
  /**
   * The jobs `advance` would enqueue for this outcome, as a write the caller's transition makes
   * alongside (decision 060): inserted only when the order moves, in the statement that moves
   * it, so a step whose outcome is the move itself spends no round trip on its next steps.
   * `ctx.order` is the order as the move will leave it (the table's conditions read it).
   */
  advanceAlongside<S extends StepName>(from: S, outcome: Outcome<S>, ctx: StepContext): AlongsideWrite[];
}

/**
 * A step queue that can fold, for a step whose outcome is decided by the very statement that
 * enqueues its next steps (chargePayment, decision 054): `onlyIf` is a condition of that
 * statement (`EXISTS (SELECT 1 FROM <its CTE>)`), and the jobs are inserted only where it holds.
 */
export type FoldingStepQueue = StepQueue & Required<Pick<StepQueue, "foldAdvance">>;

/** The jobs of an outcome as part of the caller's statement; `inserted` counts the rows that were new. */
export type FoldedAdvance = { ctes: SQL; inserted: SQL };
