/**
 * Batches against a real Postgres (docs/decisions/033-batches.md): lines judged as POST
 * /api/orders judges a body, the placing job killed midway and run again (exactly one order per
 * valid line), two runs at once, completion detected once, cancel stopping the placing.
 */
import { count, eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { batchLines, batches, orders } from "@/server/db/schema";
import { transitionOrder } from "@/server/orders/order-state-machine";
import { emitBatchCompleted } from "@/server/webhooks/emit-batch-completed";
import { MAX_OPEN_BATCHES_PER_SHOPPER } from "@/lib/contract";
import { useServiceDatabase } from "@/tests/support/service-database";
import { cancelBatch } from "./cancel-batch";
import { checkBatchProgress } from "./check-batch-progress";
import { createBatch } from "./create-batch";
import { getBatch } from "./get-batch";
import { placeBatchLines } from "./place-batch-lines";

vi.mock("@/server/webhooks/emit-batch-completed", () => ({ emitBatchCompleted: vi.fn(async () => {}) }));

const svc = useServiceDatabase();
const ORDER = { items: [{ sku: "WIDGET-42", quantity: 1 }], payment_method: "pm_visa_4242" };
const noWait = async () => {};

function ndjson(lines: unknown[]): { lines: { lineNo: number; text: string }[]; raw: Buffer } {
  const texts = lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l)));
  return { lines: texts.map((text, i) => ({ lineNo: i + 1, text })), raw: Buffer.from(texts.join("\n")) };
}

async function upload(lines: unknown[], idempotencyKey?: string) {
  const { db, batches: jobs, newShopperId } = svc();
  const shopper = { id: await newShopperId(), isAnonymous: false };
  const result = await createBatch(db, jobs, { shopper, ...ndjson(lines), idempotencyKey });
  return { shopper, batchId: result.view.batch_id, result };
}

async function ordersOf(batchId: string): Promise<number> {
  const [row] = await svc().db.select({ n: count() }).from(orders).where(eq(orders.batchId, batchId));
  return row!.n;
}

beforeEach(() => vi.mocked(emitBatchCompleted).mockClear());

describe("createBatch", () => {
  it("rejects each invalid line alone, with the code POST /api/orders would answer, and stores the rest with its placing job", async () => {
    const { db, boss } = svc();
    const { batchId, result } = await upload([
      { ...ORDER, reference: "a" },
      "{not json",
      { items: [{ sku: "NOPE-1", quantity: 1 }], payment_method: "pm_visa_4242", reference: "b" },
      { items: [{ sku: "WIDGET-42", quantity: 0 }], payment_method: "pm_visa_4242" },
      { ...ORDER, user_id: "usr_someone_else" },
      { ...ORDER, reference: "x".repeat(256) },
      ORDER,
    ]);
    expect(result).toMatchObject({ kind: "created", view: { status: "in_progress", counts: { total: 7, rejected: 5, open: 2 } } });
    const lines = await db.select().from(batchLines).where(eq(batchLines.batchId, batchId)).orderBy(batchLines.lineNo);
    expect(lines.map((l) => l.errorCode)).toEqual([null, "invalid_request", "unknown_sku", "invalid_request", "forbidden", "invalid_request", null]);
    expect(lines[0]).toMatchObject({ reference: "a", body: ORDER });
    const { rows } = await boss.getDb().executeSql("SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'batch.place' AND data->>'batchId' = $1", [batchId]);
    expect(rows[0].n).toBe(1);
  });

  it("replays the same file under the same Idempotency-Key and refuses another file under it", async () => {
    const { db, batches: jobs } = svc();
    const { shopper, batchId } = await upload([ORDER], "file-1");
    const again = await createBatch(db, jobs, { shopper, ...ndjson([ORDER]), idempotencyKey: "file-1" });
    expect(again).toMatchObject({ kind: "replayed", view: { batch_id: batchId } });
    await expect(createBatch(db, jobs, { shopper, ...ndjson([ORDER, ORDER]), idempotencyKey: "file-1" })).rejects.toMatchObject({
      status: 422,
      code: "idempotency_key_reused",
    });
  });

  it("caps a shopper's batches in progress at once (429), and takes a new one once one has ended", async () => {
    const { db, batches: jobs, queue } = svc();
    const { shopper, batchId } = await upload([ORDER]);
    for (let i = 1; i < MAX_OPEN_BATCHES_PER_SHOPPER; i++) await createBatch(db, jobs, { shopper, ...ndjson([ORDER]) });
    await expect(createBatch(db, jobs, { shopper, ...ndjson([ORDER]) })).rejects.toMatchObject({ status: 429, code: "rate_limited" });
    await cancelBatch(db, queue, shopper.id, batchId);
    expect((await createBatch(db, jobs, { shopper, ...ndjson([ORDER]) })).kind).toBe("created");
  });

  it("refuses guests", async () => {
    const { db, batches: jobs, newShopperId } = svc();
    await expect(createBatch(db, jobs, { shopper: { id: await newShopperId(), isAnonymous: true }, ...ndjson([ORDER]) })).rejects.toMatchObject({ status: 403 });
  });
});

describe("placeBatchLines", () => {
  it("killed midway and run again, places exactly one order per valid line, in input order, each with intake's first jobs", async () => {
    const { db, boss, queue } = svc();
    const lines = Array.from({ length: 25 }, (_, i) => ({ ...ORDER, reference: `r${i + 1}` }));
    lines.splice(7, 0, { items: [], payment_method: "pm_visa_4242", reference: "bad" } as never);
    const { batchId } = await upload(lines);

    // The job dies after its second chunk (5 lines a chunk at 50/s): those commits stay.
    const killed = placeBatchLines(db, queue, batchId, {
      linesPerSecond: 50,
      wait: noWait,
      afterChunk: (placed) => {
        if (placed >= 10) throw new Error("worker killed");
      },
    });
    await expect(killed).rejects.toThrow("worker killed");
    expect(await ordersOf(batchId)).toBe(10);

    const rerun = await placeBatchLines(db, queue, batchId, { linesPerSecond: 50, wait: noWait });
    expect(rerun.placed).toBe(15);
    expect(await ordersOf(batchId)).toBe(25);

    const placed = await db.select().from(batchLines).where(eq(batchLines.batchId, batchId)).orderBy(batchLines.lineNo);
    expect(placed.filter((l) => l.orderId).map((l) => l.reference)).toEqual(Array.from({ length: 25 }, (_, i) => `r${i + 1}`));
    expect(new Set(placed.map((l) => l.orderId).filter(Boolean)).size).toBe(25);
    expect(placed[7]).toMatchObject({ reference: "bad", orderId: null, errorCode: "invalid_request" });
    // Input order is arrival order: the orders' seq follows the line numbers.
    const { rows: seqs } = await db.execute<{ seq: number }>(sql`SELECT o.seq FROM batch_lines bl JOIN orders o ON o.id = bl.order_id WHERE bl.batch_id = ${batchId} ORDER BY bl.line_no`);
    expect(seqs.map((r) => Number(r.seq))).toEqual([...seqs.map((r) => Number(r.seq))].sort((a, b) => a - b));
    const { rows } = await boss.getDb().executeSql(
      "SELECT count(*)::int AS n FROM pgboss.job j JOIN orders o ON o.id = j.data->>'orderId' WHERE o.batch_id = $1 AND j.name IN ('chargePayment', 'reserveStock')",
      [batchId],
    );
    expect(rows[0].n).toBe(50);
  });

  it("two runs of the same job at once (at-least-once delivery) still place each line once", async () => {
    const { db, queue } = svc();
    const { batchId } = await upload(Array.from({ length: 40 }, () => ORDER));
    const [a, b] = await Promise.all([
      placeBatchLines(db, queue, batchId, { linesPerSecond: 30, wait: noWait }),
      placeBatchLines(db, queue, batchId, { linesPerSecond: 30, wait: noWait }),
    ]);
    expect(a.placed + b.placed).toBe(40);
    expect(await ordersOf(batchId)).toBe(40);
  });

  it("paces itself: waits between chunks so the lines per second stay under the bound", async () => {
    const { db, queue } = svc();
    const { batchId } = await upload(Array.from({ length: 12 }, () => ORDER));
    // A clock that moves only when the job waits: the chunks themselves take no time on it, so
    // the waits are the pace alone, whatever this machine's speed.
    let clock = 0;
    const waits: number[] = [];
    const wait = async (ms: number) => {
      waits.push(ms);
      clock += ms;
    };
    const { placed } = await placeBatchLines(db, queue, batchId, { linesPerSecond: 30, wait, now: () => clock });
    expect(placed).toBe(12);
    // 3 lines a chunk at 30/s: each chunk is due 100 ms after the previous one's start.
    expect(waits).toEqual([100, 100, 100, 100]);
  });

  it("a chunk slower than the pace is not followed by a wait", async () => {
    const { db, queue } = svc();
    const { batchId } = await upload(Array.from({ length: 6 }, () => ORDER));
    // Each chunk takes 250 ms on this clock, more than the 100 ms it is due: the job is behind, so it never waits.
    let clock = 0;
    const waits: number[] = [];
    await placeBatchLines(db, queue, batchId, {
      linesPerSecond: 30,
      wait: async (ms) => void waits.push(ms),
      now: () => clock,
      afterChunk: () => void (clock += 250),
    });
    expect(waits).toEqual([]);
  });
});

describe("completion", () => {
  const check = (batchId: string, round = 0) => checkBatchProgress(svc().db, svc().batches, { batchId, round, quietRounds: 0 });

  it("the progress check counts each final status and completes the batch once, emitting batch.completed in that transaction", async () => {
    const { db, boss, queue } = svc();
    const { shopper, batchId } = await upload([ORDER, ORDER, ORDER, "oops"]);
    await placeBatchLines(db, queue, batchId, { linesPerSecond: 100, wait: noWait });
    const ids = (await db.select({ id: orders.id }).from(orders).where(eq(orders.batchId, batchId)).orderBy(orders.seq)).map((o) => o.id);
    const finalise = (id: string, to: "cancelled" | "payment_failed" | "rejected") => db.transaction((tx) => transitionOrder(tx, id, to));

    await finalise(ids[0]!, "cancelled");
    await finalise(ids[1]!, "payment_failed");
    expect(await check(batchId, 0)).toEqual({ status: "in_progress" });
    expect(await getBatch(db, shopper.id, batchId)).toMatchObject({ status: "in_progress", counts: { total: 4, rejected: 1, open: 1, cancelled: 1, failed: 1, shipped: 0 } });
    expect(emitBatchCompleted).not.toHaveBeenCalled();
    // The next round is scheduled (the first came with the upload).
    const { rows } = await boss.getDb().executeSql(
      "SELECT (data->>'round')::int AS round FROM pgboss.job WHERE name = 'batch.check' AND data->>'batchId' = $1 ORDER BY 1",
      [batchId],
    );
    expect(rows).toEqual([{ round: 0 }, { round: 1 }]);

    await finalise(ids[2]!, "rejected");
    expect(await check(batchId, 1)).toEqual({ status: "completed" });
    const done = await getBatch(db, shopper.id, batchId);
    expect(done).toMatchObject({ status: "completed", counts: { open: 0, failed: 2 } });
    expect(done.completed_at).toBeDefined();
    expect(emitBatchCompleted).toHaveBeenCalledTimes(1);
    expect(vi.mocked(emitBatchCompleted).mock.calls[0]![1]).toEqual({ id: batchId, shopperId: shopper.id });
    // The same round again (at-least-once delivery) changes nothing and announces nothing.
    expect(await check(batchId, 1)).toEqual({ status: "completed" });
    expect(emitBatchCompleted).toHaveBeenCalledTimes(1);
  });

  it("two checks at once complete the batch exactly once", async () => {
    const { db, queue } = svc();
    const { batchId } = await upload([ORDER, ORDER]);
    await placeBatchLines(db, queue, batchId, { linesPerSecond: 100, wait: noWait });
    const ids = (await db.select({ id: orders.id }).from(orders).where(eq(orders.batchId, batchId))).map((o) => o.id);
    await Promise.all(ids.map((id) => db.transaction((tx) => transitionOrder(tx, id, "cancelled"))));
    const outcomes = await Promise.all([check(batchId, 3), check(batchId, 3)]);
    expect(outcomes.map((o) => o.status)).toEqual(["completed", "completed"]);
    const [batch] = await db.select().from(batches).where(eq(batches.id, batchId));
    expect(batch).toMatchObject({ status: "completed", cancelledOrders: 2 });
    expect(emitBatchCompleted).toHaveBeenCalledTimes(1);
  });

  it("a batch of rejected lines only completes at its first check, once", async () => {
    const { db, queue } = svc();
    const { shopper, batchId, result } = await upload(["nope", { items: [] }]);
    expect(result.view.status).toBe("in_progress");
    await placeBatchLines(db, queue, batchId, { linesPerSecond: 100, wait: noWait });
    await check(batchId);
    await check(batchId);
    expect(await getBatch(db, shopper.id, batchId)).toMatchObject({ status: "completed", counts: { total: 2, rejected: 2, open: 0 } });
    expect(emitBatchCompleted).toHaveBeenCalledTimes(1);
  });
});

describe("cancelBatch", () => {
  it("stops the placing and cancels every order placed so far; other owners get 404", async () => {
    const { db, queue, newShopperId } = svc();
    const { shopper, batchId } = await upload(Array.from({ length: 20 }, () => ORDER));
    await expect(
      placeBatchLines(db, queue, batchId, {
        linesPerSecond: 50,
        wait: noWait,
        afterChunk: (placed) => {
          if (placed >= 5) throw new Error("stop here");
        },
      }),
    ).rejects.toThrow();
    await expect(cancelBatch(db, queue, await newShopperId(), batchId)).rejects.toMatchObject({ status: 404 });

    const view = await cancelBatch(db, queue, shopper.id, batchId);
    expect(view).toMatchObject({ status: "cancelled", counts: { cancelled: 5 } });
    expect((await placeBatchLines(db, queue, batchId, { linesPerSecond: 50, wait: noWait })).placed).toBe(0);
    expect(await ordersOf(batchId)).toBe(5);
    const statuses = await db.select({ status: orders.status }).from(orders).where(eq(orders.batchId, batchId));
    expect(statuses.every((o) => o.status === "cancelled")).toBe(true);
  });
});
