import "server-only";
import { sql } from "drizzle-orm";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import type { Database } from "@/server/db/client";
import { env } from "@/server/env";
import { json } from "@/server/http/api-response";
import type { PipelineJobs } from "@/server/pipeline/pipeline-jobs";
import { parseInput, type TestControl } from "./test-control";

export const SETTLE_DEFAULT_SECONDS = 10;
export const SETTLE_MAX_SECONDS = 60;
const POLL_INTERVAL_MS = 100;
/** The key under which `waiting` counts the payment provider's webhooks still to come. */
export const PROVIDER_WEBHOOKS = "payment.webhook";

export type SettleResult = { idle: true } | { idle: false; waiting: Record<string, number> };

/** The ids of the charges the payment provider is still to report by webhook (none known: []). */
export type ProviderInFlight = () => Promise<string[]>;

/**
 * What will still move an order within `horizonSeconds`, per pipeline step: jobs running
 * now, and jobs waiting whose start (first run or retry) falls within the horizon — a job
 * scheduled later, such as a payment look-up minutes away, is not counted, nor are dead
 * letters, which only a redrive moves (PipelineJobs.pendingJobs). Besides the jobs, the simulated payment provider's
 * charges whose verdict is still on its way by webhook (counted as `payment.webhook`): between
 * the charge step and that webhook no job exists. A back-ordered order has no job either: it
 * waits for stock, not for time.
 */
export async function pendingWork(db: Database, jobs: PipelineJobs, horizonSeconds: number, providerInFlight: ProviderInFlight): Promise<Record<string, number>> {
  const waiting: Record<string, number> = { ...(await jobs.pendingJobs(horizonSeconds)) };
  const charges = await providerInFlight();
  if (charges.length > 0) {
    // A reset forgets charges the provider may still be working on: those owe nothing.
    const { rows: owed } = await db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM sim_charges WHERE id IN (${sql.join(charges.map((id) => sql`${id}`), sql`, `)})`,
    );
    if (owed[0]?.n) waiting[PROVIDER_WEBHOOKS] = owed[0].n;
  }
  return waiting;
}

/**
 * Waits until nothing is pending (see pendingWork, with a horizon of the timeout) and says so,
 * or says what is still pending once `timeoutSeconds` have passed. It polls the job table a
 * few times a second rather than sleeping for a guessed while, so it answers as soon as the
 * pipeline is idle; a client that hangs up stops it.
 */
export async function settlePipeline(
  db: Database,
  jobs: PipelineJobs,
  timeoutSeconds: number,
  providerInFlight: ProviderInFlight,
  signal?: AbortSignal,
): Promise<SettleResult> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const waiting = await pendingWork(db, jobs, timeoutSeconds, providerInFlight);
    if (Object.keys(waiting).length === 0) return { idle: true };
    const left = deadline - Date.now();
    if (left <= 0 || signal?.aborted) return { idle: false, waiting };
    await sleep(Math.min(POLL_INTERVAL_MS, left));
  }
}

/**
 * The bundled payment simulator's in-flight charges. Another provider (PAYMENT_PROVIDER_URL
 * pointing elsewhere) has no such endpoint, and a simulator that does not answer has nothing
 * it can deliver either: both count as none.
 */
export const simulatorInFlight: ProviderInFlight = async () => {
  try {
    const response = await fetch(`${env().PAYMENT_PROVIDER_URL}/in-flight`, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) return [];
    const body = (await response.json()) as { charges?: unknown };
    return Array.isArray(body.charges) ? body.charges.filter((id): id is string => typeof id === "string") : [];
  } catch {
    return [];
  }
};

const querySchema = z
  .object({
    timeout_s: z
      .string()
      .regex(/^\d+(\.\d+)?$/, "must be a number of seconds")
      .transform(Number)
      .pipe(z.number().max(SETTLE_MAX_SECONDS))
      .default(SETTLE_DEFAULT_SECONDS),
  })
  .strict();

/** POST /api/test/settle?timeout_s=N → 200 `{ idle: true }` or `{ idle: false, waiting: { step: n } }`. */
export const settleControl: TestControl = {
  method: "POST",
  path: ["settle"],
  async serve(request, _params, services) {
    const { timeout_s } = parseInput(querySchema, Object.fromEntries(new URL(request.url).searchParams), "The query");
    const { pipeline } = await services.jobs();
    return json(200, await settlePipeline(services.db, pipeline, timeout_s, simulatorInFlight, request.signal));
  },
};
