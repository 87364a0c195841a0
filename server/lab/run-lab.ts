import "server-only";
import { eq, inArray, sql } from "drizzle-orm";
import { IN_FLIGHT_STATUSES } from "@/lib/order-state";
import { createApiKey } from "@/server/auth/api-keys";
import type { Database } from "@/server/db/client";
import { LAB_MODES, labRuns, orders, shoppers, type LabMode, type LabModeResult } from "@/server/db/schema";
import { env } from "@/server/env";
import { checkout, type CheckoutSample } from "./checkout-modes";
import { summarize } from "./percentile";

const CONFIRM_TIMEOUT_MS = 60_000;
const SETTLE_GRACE_MS = 30_000;
const PROGRESS_EVERY_MS = 250;

/**
 * Executes a lab run (the `lab.run` job): in each mode, N checkouts with at most C in flight,
 * measured end to end over real HTTP against the web app, after C unmeasured warm-up
 * checkouts. Then it checks that no acknowledged order (warm-up ones included) was lost:
 * every one must exist and leave the in-flight states (it gets a grace period to do so).
 */
export async function runLab(db: Database, runId: string): Promise<LabModeResult[]> {
  const [run] = await db.select().from(labRuns).where(eq(labRuns.id, runId));
  if (!run || run.status !== "queued") return run?.results ?? [];
  await db.update(labRuns).set({ status: "running" }).where(eq(labRuns.id, runId));
  try {
    const [shopper] = await db.select().from(shoppers).where(eq(shoppers.id, run.shopperId));
    const { key } = await createApiKey(db, shopper!.email);
    const client = { appUrl: env().APP_URL, apiKey: key, confirmTimeoutMs: CONFIRM_TIMEOUT_MS };
    let completed = 0;
    let reported = 0;
    const progress = setInterval(() => {
      if (completed === reported) return;
      reported = completed;
      void db.update(labRuns).set({ completed }).where(eq(labRuns.id, runId)).catch(() => {});
    }, PROGRESS_EVERY_MS);
    const results: LabModeResult[] = [];
    try {
      for (const mode of LAB_MODES) {
        const { warmUp, measured } = await runMode(run.orders, run.concurrency, () => checkout(client, mode), () => completed++);
        results.push(await resultOf(db, mode, measured, warmUp));
      }
    } finally {
      clearInterval(progress);
    }
    await db
      .update(labRuns)
      .set({ status: "finished", completed, results, finishedAt: sql`now()` })
      .where(eq(labRuns.id, runId));
    return results;
  } catch (err) {
    await db
      .update(labRuns)
      .set({ status: "failed", error: (err as Error).message, finishedAt: sql`now()` })
      .where(eq(labRuns.id, runId));
    throw err;
  }
}

/**
 * C "virtual shoppers", each starting its next checkout when its last one is done, until
 * `measured` checkouts after the warm-up have finished. The first C checkouts — one per
 * shopper, all sent at the same instant — are the warm-up and are not measured: they pay for
 * cold connections and code paths, and being one simultaneous burst (intake commits them in
 * one or two group commits) their latencies are a single event, not C samples; counted,
 * they would be the whole tail of the mode's percentiles. The measured checkouts then start
 * as earlier ones finish, i.e. in the steady state the comparison is about.
 */
async function runMode(
  measured: number,
  concurrency: number,
  one: () => Promise<CheckoutSample>,
  onMeasured: () => void,
): Promise<{ warmUp: CheckoutSample[]; measured: CheckoutSample[] }> {
  const total = concurrency + measured;
  const result = { warmUp: [] as CheckoutSample[], measured: [] as CheckoutSample[] };
  let started = 0;
  const shopper = async () => {
    while (started < total) {
      const isWarmUp = started++ < concurrency;
      const sample = await one();
      if (isWarmUp) {
        result.warmUp.push(sample);
      } else {
        result.measured.push(sample);
        onMeasured();
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, shopper));
  return result;
}

async function resultOf(db: Database, mode: LabMode, samples: CheckoutSample[], warmUp: CheckoutSample[]): Promise<LabModeResult> {
  const acked = samples.filter((s) => s.ok);
  // Losing an order is a failure whether or not its latency was measured.
  const ackedOrderIds = [...warmUp, ...samples].flatMap((s) => (s.ok && s.orderId !== null ? [s.orderId] : []));
  return {
    mode,
    requests: samples.length,
    errors: samples.length - acked.length,
    lost: await countLost(db, ackedOrderIds),
    ack: summarize(acked.map((s) => s.ackMs)),
    confirmed: summarize(acked.flatMap((s) => (s.confirmedMs === null ? [] : [s.confirmedMs]))),
    ackSamples: acked.map((s) => Math.round(s.ackMs)),
  };
}

/**
 * Acknowledged orders that are missing, or still in flight after the grace period. "direct"
 * acknowledges only once the chain is done and stores nothing, so it has none to lose.
 */
async function countLost(db: Database, orderIds: string[]): Promise<number> {
  if (orderIds.length === 0) return 0;
  const deadline = Date.now() + SETTLE_GRACE_MS;
  for (;;) {
    const [row] = await db
      .select({
        found: sql<number>`count(*)::int`,
        inFlight: sql<number>`count(*) FILTER (WHERE ${inArray(orders.status, [...IN_FLIGHT_STATUSES])})::int`,
      })
      .from(orders)
      .where(inArray(orders.id, orderIds));
    const lost = orderIds.length - (row?.found ?? 0) + (row?.inFlight ?? 0);
    if (lost === 0 || Date.now() > deadline) return lost;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
