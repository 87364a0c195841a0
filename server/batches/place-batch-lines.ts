import "server-only";
import { sql } from "drizzle-orm";
import { setTimeout as sleep } from "node:timers/promises";
import type { PlaceOrderInput } from "@/lib/contract";
import type { Database, Transaction } from "@/server/db/client";
import { placeOrdersInTx, validateOrderInput } from "@/server/orders/place-order";
import type { StepQueue } from "@/server/pipeline/step-queue";
import { lineError, type LineError } from "./judge-batch-line";
import { lockBatch } from "./lock-batch";

export type PlacementOptions = {
  /** The rate bound (BATCH_LINES_PER_SECOND): lines placed per second, at most, by this call. */
  linesPerSecond: number;
  /** Waits between chunks; tests pass their own. */
  wait?: (ms: number) => Promise<unknown>;
  /** The clock the pace is kept by (ms); tests pass one that moves only when `wait` is called, so the pace is checked without depending on the machine's speed. */
  now?: () => number;
  /** Called after each committed chunk with the lines placed so far by this call (tests stop the job midway with it). */
  afterChunk?: (placed: number) => void | Promise<void>;
};

/** Lines per transaction: a tenth of a second's worth, so the pace is smooth and a chunk's transaction stays short. */
export function chunkSize(linesPerSecond: number): number {
  return Math.max(1, Math.min(100, Math.ceil(linesPerSecond / 10)));
}

/**
 * The placing job of a batch (docs/decisions/033-batches.md). It places the lines still to
 * place, in input order, a chunk per transaction: each chunk inserts its orders through
 * intake's own statements (server/orders/place-order.ts, so the pipeline's first jobs commit
 * with them) and records each line's order in the same transaction. Killed midway, the rerun
 * finds those lines placed and goes on from the first that is not: each valid line becomes
 * exactly one order. The batch's lock (lock-batch.ts) is held for the chunk, so two runs of the
 * job (at-least-once delivery) take turns and never place a line twice, and a cancel waits for
 * the chunk in flight and then stops the next. Paced at `linesPerSecond`, so a batch never
 * starves interactive checkout. Completion is the progress check's (check-batch-progress.ts).
 * Returns the lines placed by this call.
 */
export async function placeBatchLines(db: Database, queue: StepQueue, batchId: string, options: PlacementOptions): Promise<{ placed: number }> {
  const wait = options.wait ?? sleep;
  const now = options.now ?? Date.now;
  const size = chunkSize(options.linesPerSecond);
  const started = now();
  let placed = 0;
  for (;;) {
    const done = await db.transaction((tx) => placeChunk(tx, queue, batchId, size));
    if (done === "finished") return { placed };
    placed += done;
    await options.afterChunk?.(placed);
    const due = started + (placed * 1000) / options.linesPerSecond - now();
    if (due > 0) await wait(due);
  }
}

type LineRow = { line_no: number; body: Record<string, unknown> };

/** One chunk: the next lines in input order placed (or rejected), or "finished" when none is left or the batch is no longer in progress. */
async function placeChunk(tx: Transaction, queue: StepQueue, batchId: string, size: number): Promise<number | "finished"> {
  const batch = await lockBatch(tx, batchId);
  if (!batch || batch.status !== "in_progress") return "finished";
  const { rows: lines } = await tx.execute<LineRow>(sql`
    SELECT line_no, body FROM batch_lines
    WHERE batch_id = ${batchId} AND order_id IS NULL AND error_code IS NULL
    ORDER BY line_no LIMIT ${size}`);
  if (lines.length === 0) return "finished";
  // Stored lines were judged at upload; judging again keeps the types honest and refuses a
  // line the rules no longer accept exactly as intake would.
  const outcomes: ({ orderId: string } | { error: LineError })[] = [];
  const toPlace: { index: number; input: PlaceOrderInput }[] = [];
  for (const [index, line] of lines.entries()) {
    try {
      toPlace.push({ index, input: validateOrderInput(batch.shopper_id, line.body) });
    } catch (err) {
      outcomes[index] = { error: lineError(err) };
    }
  }
  const settled = await placeOrdersInTx(
    tx,
    queue,
    batch.shopper_id,
    batchId,
    toPlace.map((p) => p.input),
  );
  settled.forEach((outcome, i) => {
    const index = toPlace[i]!.index;
    outcomes[index] = outcome.ok ? { orderId: outcome.value.orderId } : { error: lineError(outcome.error) };
  });
  await recordOutcomes(tx, batchId, lines, outcomes);
  return lines.length;
}

/** Each line's order (or error), in one statement. */
async function recordOutcomes(tx: Transaction, batchId: string, lines: LineRow[], outcomes: ({ orderId: string } | { error: LineError })[]): Promise<void> {
  const rows = JSON.stringify(
    lines.map((line, i) => {
      const outcome = outcomes[i]!;
      return "orderId" in outcome
        ? { line_no: line.line_no, order_id: outcome.orderId }
        : { line_no: line.line_no, error_code: outcome.error.code, error_message: outcome.error.message, error_details: outcome.error.details ?? null };
    }),
  );
  await tx.execute(sql`
    UPDATE batch_lines bl SET order_id = r.order_id, error_code = r.error_code, error_message = r.error_message, error_details = r.error_details
    FROM json_to_recordset(${rows}::json) AS r (line_no int, order_id text, error_code text, error_message text, error_details json)
    WHERE bl.batch_id = ${batchId} AND bl.line_no = r.line_no`);
}

