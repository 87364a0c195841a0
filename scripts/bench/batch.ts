/**
 * BENCH_ONLY=batch (CONTRACT §9, decision 033): does a batch starve interactive checkout?
 * Single-order intake (a few clients in a closed loop, as shoppers checking out) is measured
 * with no batch, then while a 10,000-line batch is being placed at BATCH_LINES_PER_SECOND,
 * then without it again, in the same run; the figure is the p99 during the batch over the
 * mean of the p99s without it.
 */
import type pg from "pg";
import { measureIntake, type IntakeResult } from "./intake";
import type { BenchStack } from "./stack";

export const BATCH_LINES = 10_000;
/** Interactive shoppers: a few at once, not the intake phase's 32 flat-out clients. */
export const CHECKOUT_CLIENTS = 4;

export type BatchPhaseResult = {
  intake_alone: IntakeResult;
  intake_during_batch: IntakeResult;
  intake_alone_after: IntakeResult;
  /** Intake p99 during the batch ÷ the mean of intake p99 alone before and after it. */
  p99_ratio: number;
  batch_lines_placed_during_measure: number;
  batch_lines_per_s_during_measure: number;
};

export async function measureBatchInterference(stack: BenchStack, warmupSeconds: number, seconds: number, log: (line: string) => void): Promise<BatchPhaseResult> {
  const [batchKey, ...checkoutKeys] = stack.apiKeys;
  const shoppers = checkoutKeys.slice(0, CHECKOUT_CLIENTS);
  log(`  intake alone: ${shoppers.length} clients, ${warmupSeconds} s warm-up + ${seconds} s…`);
  const alone = await measureIntake(stack.baseUrl, shoppers, warmupSeconds, seconds);

  const body = Array.from({ length: BATCH_LINES }, (_, i) => JSON.stringify({ items: [{ sku: "WIDGET-42", quantity: 1 }], payment_method: "pm_visa_4242", reference: `bench-${i}` })).join("\n");
  const posted = await fetch(`${stack.baseUrl}/api/batches`, { method: "POST", headers: { Authorization: `Bearer ${batchKey}`, "Content-Type": "application/x-ndjson" }, body });
  const accepted = (await posted.json()) as { batch_id?: string };
  if (posted.status !== 202 || !accepted.batch_id) throw new Error(`POST /api/batches answered ${posted.status}: ${JSON.stringify(accepted)}`);
  const batchId = accepted.batch_id;
  // Measure once placing is under way, so the whole window overlaps it.
  await waitForPlaced(stack.pool, batchId, 1);
  log(`  batch ${batchId} of ${BATCH_LINES} lines being placed; intake again, same clients and duration…`);
  const placedBefore = await placedLines(stack.pool, batchId);
  const started = performance.now();
  const during = await measureIntake(stack.baseUrl, shoppers, warmupSeconds, seconds);
  const windowSeconds = (performance.now() - started) / 1000;
  const placedDuring = (await placedLines(stack.pool, batchId)) - placedBefore;
  if (placedBefore + placedDuring >= BATCH_LINES) log("  warning: the batch was placed before the measurement ended; lower BENCH_SECONDS or BATCH_LINES_PER_SECOND");

  // The machine's other load drifts: intake alone is measured again after the batch, and the
  // ratio is taken against the mean of the two. The batch is stopped by its status (the placer
  // reads it before each chunk) and the jobs it queued are discarded, as the main run does
  // between phases, so the workers are as idle as before it.
  await stack.pool.query("UPDATE batches SET status = 'cancelled' WHERE id = $1", [batchId]);
  await stack.pool.query("DELETE FROM pgboss.job WHERE state IN ('created', 'retry')");
  log("  batch stopped and its queued jobs discarded; intake alone again…");
  const after = await measureIntake(stack.baseUrl, shoppers, warmupSeconds, seconds);
  const aloneP99 = (alone.p99_ms + after.p99_ms) / 2;
  return {
    intake_alone: alone,
    intake_during_batch: during,
    intake_alone_after: after,
    p99_ratio: during.p99_ms / aloneP99,
    batch_lines_placed_during_measure: placedDuring,
    batch_lines_per_s_during_measure: placedDuring / windowSeconds,
  };
}

async function placedLines(pool: pg.Pool, batchId: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM batch_lines WHERE batch_id = $1 AND order_id IS NOT NULL", [batchId]);
  return rows[0]!.n;
}

async function waitForPlaced(pool: pg.Pool, batchId: string, lines: number): Promise<void> {
  for (let waited = 0; (await placedLines(pool, batchId)) < lines; waited += 50) {
    if (waited > 60_000) throw new Error(`batch ${batchId}: no line placed within a minute (is a worker running?)`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
