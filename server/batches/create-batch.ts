import "server-only";
import { and, count, eq, sql } from "drizzle-orm";
import { createHash } from "node:crypto";
import { MAX_OPEN_BATCHES_PER_SHOPPER, type BatchView } from "@/lib/contract";
import type { Database, Transaction } from "@/server/db/client";
import { batches } from "@/server/db/schema";
import { AppError, forbidden } from "@/server/errors";
import { newId } from "@/server/ids";
import { readCatalogAndClaimKeys } from "@/server/orders/intake-statements";
import { assertKnownSkus, idempotencyKeyReused, keyInUse } from "@/server/orders/place-order";
import type { BatchJobs } from "./batch-jobs";
import { CHECK_EVERY_SECONDS } from "./check-batch-progress";
import { toBatchView } from "./batch-view";
import { judgeBatchLine, lineError, type JudgedLine } from "./judge-batch-line";

export type CreateBatchRequest = {
  shopper: { id: string; isAnonymous: boolean };
  lines: { lineNo: number; text: string }[];
  /** The body as sent: its hash tells a replay from a reuse of the key with another file. */
  raw: Buffer;
  idempotencyKey?: string;
};

export type CreateBatchResult = { kind: "created" | "replayed"; view: BatchView };

/**
 * Stores a batch: every line judged as POST /api/orders would judge it (an invalid one is
 * rejected alone, with that code), then in ONE transaction the batch, its lines and its
 * jobs — a batch is never stored without the jobs that place it and follow its progress, and
 * they never run for a batch that rolled back. They, not this request, place the orders (at a
 * bounded rate) and complete the batch, even one whose lines were all rejected, so the answer
 * is always `in_progress`. Idempotency-Key: the same key and file replay the batch; another
 * file → 422; a request with the key still in its transaction → 409.
 */
export async function createBatch(db: Database, jobs: BatchJobs, request: CreateBatchRequest): Promise<CreateBatchResult> {
  // API clients and accounts: a guest's batch would outlive the guest (swept when idle).
  if (request.shopper.isAnonymous) throw forbidden("Batches are for accounts and API keys: sign up or sign in first.");
  const shopperId = request.shopper.id;
  const judged = request.lines.map((line) => judgeBatchLine(shopperId, line));
  const requestHash = createHash("sha256").update(request.raw).digest("hex");
  return db.transaction(async (tx) => {
    if (request.idempotencyKey !== undefined) {
      const replayed = await replayByKey(tx, shopperId, request.idempotencyKey, requestHash);
      if (replayed) return { kind: "replayed", view: replayed };
    }
    await refuseTooManyOpen(tx, shopperId);
    await checkCatalog(tx, judged);
    const rejected = judged.filter((line) => line.error).length;
    const [batch] = await tx
      .insert(batches)
      .values({ id: newId("bat"), shopperId, totalLines: judged.length, rejectedLines: rejected, idempotencyKey: request.idempotencyKey, requestHash })
      .returning();
    await insertLines(tx, batch!.id, judged);
    await jobs.enqueuePlacement(tx, batch!.id);
    await jobs.scheduleCheck(tx, { batchId: batch!.id, round: 0, quietRounds: 0 }, CHECK_EVERY_SECONDS);
    return { kind: "created", view: toBatchView(batch!) };
  });
}

/**
 * The key's batch, if there is one. A transaction-scoped advisory lock on (shopper, key) makes
 * a concurrent request with the same key answer 409 at once rather than queue (as intake does,
 * decision 005); the unique index backs it.
 */
async function replayByKey(tx: Transaction, shopperId: string, key: string, requestHash: string): Promise<BatchView | null> {
  const { rows } = await tx.execute<{ locked: boolean }>(sql`SELECT pg_try_advisory_xact_lock(hashtextextended(${`batch:${shopperId}:${key}`}, 0)) AS locked`);
  if (!rows[0]?.locked) throw keyInUse();
  const [existing] = await tx.select().from(batches).where(and(eq(batches.shopperId, shopperId), eq(batches.idempotencyKey, key)));
  if (!existing) return null;
  if (existing.requestHash !== requestHash) throw idempotencyKeyReused();
  return toBatchView(existing);
}

/**
 * One shopper's open batches are capped: each may hold 10,000 lines waiting in the one placing
 * queue, so without a cap one client could queue everyone else's batches behind millions of
 * lines. Counted inside the upload's transaction, after its key's lock.
 */
async function refuseTooManyOpen(tx: Transaction, shopperId: string): Promise<void> {
  const [row] = await tx.select({ n: count() }).from(batches).where(and(eq(batches.shopperId, shopperId), eq(batches.status, "in_progress")));
  if ((row?.n ?? 0) >= MAX_OPEN_BATCHES_PER_SHOPPER) {
    throw new AppError(429, "rate_limited", `At most ${MAX_OPEN_BATCHES_PER_SHOPPER} batches in progress at once; retry when one completes.`, { limit: "open_batches", max: MAX_OPEN_BATCHES_PER_SHOPPER }, {
      "Retry-After": "30",
    });
  }
}

/** Intake's own catalog read and check, once for the whole file: a line with an unknown SKU gets 422 unknown_sku. */
async function checkCatalog(tx: Transaction, judged: JudgedLine[]): Promise<void> {
  const valid = judged.filter((line) => line.input);
  const skus = [...new Set(valid.flatMap((line) => line.input!.items.map((i) => i.sku)))];
  if (skus.length === 0) return;
  const { catalog } = await readCatalogAndClaimKeys(tx, skus, []);
  for (const line of valid) {
    try {
      assertKnownSkus(line.input!, catalog);
    } catch (err) {
      line.error = lineError(err);
      delete line.input;
    }
  }
}

/** Every line in one statement (10,000 rows as one JSON parameter: drizzle's insert would pass 80,000). */
async function insertLines(tx: Transaction, batchId: string, judged: JudgedLine[]): Promise<void> {
  const rows = JSON.stringify(
    judged.map((line) => ({
      line_no: line.lineNo,
      reference: line.reference ?? null,
      body: line.body,
      error_code: line.error?.code ?? null,
      error_message: line.error?.message ?? null,
      error_details: line.error?.details ?? null,
    })),
  );
  await tx.execute(sql`
    INSERT INTO batch_lines (batch_id, line_no, reference, body, error_code, error_message, error_details)
    SELECT ${batchId}, l.line_no, l.reference, l.body, l.error_code, l.error_message, l.error_details
    FROM json_to_recordset(${rows}::json) AS l (line_no int, reference text, body json, error_code text, error_message text, error_details json)`);
}
