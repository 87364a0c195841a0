/**
 * Batches (CONTRACT §9): many orders in one NDJSON upload, one batch id, progress by GET, SSE
 * and a results file, cancel. Its own stack: the placing rate is raised for the 10,000-line
 * batch (BATCH_LINES_PER_SECOND), and its orders use up the seeded stock.
 */
import { expectErrorBody, postOrder } from "../support/api";
import { getBatch, getResults, ndjson, postBatch, waitForBatchEnd, WIDGET } from "../support/batches";
import { expect, MANY_CLIENTS_ONE_ADDRESS, test } from "../support/fixtures";

test.use({ stackEnv: { ...MANY_CLIENTS_ONE_ADDRESS, BATCH_LINES_PER_SECOND: "2000" } });

const DECLINED = { items: [{ sku: "WIDGET-42", quantity: 1 }], payment_method: "pm_card_declined" };

test("a batch of valid and invalid lines: each invalid line rejected alone with POST /api/orders's code; counts, SSE progress and results in input order", async ({ stack, shopper, events }) => {
  const unknownSku = { items: [{ sku: "NO-SUCH-SKU", quantity: 1 }], payment_method: "pm_visa_4242" };
  const badQuantity = { items: [{ sku: "WIDGET-42", quantity: 0 }], payment_method: "pm_visa_4242" };
  const lines = [{ ...WIDGET, reference: "first" }, { ...unknownSku, reference: "sku" }, badQuantity, "{not json", { ...DECLINED, reference: "declined" }];

  const posted = await postBatch(stack, shopper.headers, ndjson(lines));
  expect(posted.status, JSON.stringify(posted.body)).toBe(202);
  const batchId = posted.body.batch_id as string;
  expect(batchId).toMatch(/^bat_[a-z0-9]+$/);
  expect(posted.body).toEqual({ batch_id: batchId, status: "in_progress", status_url: `/api/batches/${batchId}`, counts: { total: 5, rejected: 3, open: 2, shipped: 0, failed: 0, cancelled: 0 } });
  expect(posted.headers.get("location")).toBe(`/api/batches/${batchId}`);

  const stream = await events.open(`/api/batches/${batchId}/events`, shopper.headers);
  await stream.waitForEnd(60_000);
  expect(stream.frames.every((frame) => frame.event === "batch_progress")).toBe(true);
  const progress = stream.data;
  expect(progress[0]).toMatchObject({ batch_id: batchId, counts: { total: 5, rejected: 3 } });
  const finished = progress.map((p) => p.counts.total - p.counts.open);
  expect(finished).toEqual([...finished].sort((a, b) => a - b));
  expect(progress.at(-1)).toMatchObject({ status: "completed", counts: { total: 5, rejected: 3, open: 0, shipped: 1, failed: 1, cancelled: 0 } });

  const batch = (await getBatch(stack, shopper, batchId)).body;
  expect(batch).toEqual({ ...progress.at(-1), completed_at: expect.any(String), results_url: `/api/batches/${batchId}/results` });

  // The codes POST /api/orders answers for the same bodies.
  const directCodes = [(await postOrder(stack, shopper, unknownSku)).body.error.code, (await postOrder(stack, shopper, badQuantity)).body.error.code, (await postOrder(stack, shopper, "{not json")).body.error.code];
  expect(directCodes).toEqual(["unknown_sku", "invalid_request", "invalid_request"]);

  const results = await getResults(stack, shopper, batchId);
  expect(results.map((r) => r.line)).toEqual([1, 2, 3, 4, 5]);
  expect(results[0]).toEqual({ line: 1, reference: "first", order_id: expect.stringMatching(/^ord_/), status: "shipped" });
  expect(results[1]).toMatchObject({ line: 2, reference: "sku", error: { code: directCodes[0], details: { unknown_skus: ["NO-SUCH-SKU"] } } });
  expect(results[2]).toMatchObject({ line: 3, error: { code: directCodes[1] } });
  expect(results[3]).toMatchObject({ line: 4, error: { code: directCodes[2] } });
  expect(results[4]).toEqual({ line: 5, reference: "declined", order_id: expect.stringMatching(/^ord_/), status: "payment_failed" });
  for (const r of results) expect(r.order_id === undefined).toBe(r.error !== undefined);

  const listed = await fetch(`${stack.baseURL}/api/batches`, { headers: shopper.headers });
  expect((await listed.json()).data.map((b: any) => b.batch_id)).toContain(batchId);
});

test("other owners get 404; guests 403; not NDJSON 415; an empty file 400; an Idempotency-Key replays", async ({ stack, shopper }) => {
  const posted = await postBatch(stack, shopper.headers, ndjson([WIDGET]), { "Idempotency-Key": "batch-key-1" });
  expect(posted.status).toBe(202);
  const batchId = posted.body.batch_id;
  const replay = await postBatch(stack, shopper.headers, ndjson([WIDGET]), { "Idempotency-Key": "batch-key-1" });
  expect(replay.status).toBe(202);
  expect(replay.body.batch_id).toBe(batchId);
  expect(replay.headers.get("idempotent-replayed")).toBe("true");
  const reused = await postBatch(stack, shopper.headers, ndjson([WIDGET, WIDGET]), { "Idempotency-Key": "batch-key-1" });
  expect(reused.status).toBe(422);
  expectErrorBody(reused.body, "idempotency_key_reused");

  const other = await stack.newShopper();
  for (const path of [`/api/batches/${batchId}`, `/api/batches/${batchId}/results`, `/api/batches/${batchId}/events`]) {
    const response = await fetch(`${stack.baseURL}${path}`, { headers: other.headers });
    expect(response.status, path).toBe(404);
    expectErrorBody(await response.json(), "not_found");
  }
  const cancel = await fetch(`${stack.baseURL}/api/batches/${batchId}/cancel`, { method: "POST", headers: other.headers });
  expect(cancel.status).toBe(404);

  // A guest: the session a first cart line makes.
  const first = await fetch(`${stack.baseURL}/api/trpc/cart.add`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: stack.baseURL },
    body: JSON.stringify({ sku: "WIDGET-42" }),
  });
  const cookie = first.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  expect(cookie).toContain("session_token");
  const asGuest = await postBatch(stack, { Cookie: cookie, Origin: stack.baseURL }, ndjson([WIDGET]));
  expect(asGuest.status).toBe(403);
  expectErrorBody(asGuest.body, "forbidden");

  const wrongType = await postBatch(stack, shopper.headers, ndjson([WIDGET]), { "Content-Type": "application/json" });
  expect(wrongType.status).toBe(415);
  const empty = await postBatch(stack, shopper.headers, "\n\n");
  expect(empty.status).toBe(400);
  expectErrorBody(empty.body, "invalid_request");
});

test("413 past 10,000 lines or 5 MiB, checked while reading", async ({ stack, shopper }) => {
  const tooMany = await postBatch(stack, shopper.headers, ndjson(Array.from({ length: 10_001 }, () => WIDGET)));
  expect(tooMany.status).toBe(413);
  expectErrorBody(tooMany.body, "payload_too_large");
  // Under 10,000 lines but over 5 MiB: long references are not allowed, so the bytes come from whitespace.
  const padded = ndjson(Array.from({ length: 100 }, () => JSON.stringify(WIDGET) + " ".repeat(53 * 1024)));
  expect(padded.length).toBeGreaterThan(5 * 1024 * 1024);
  const tooBig = await postBatch(stack, shopper.headers, padded);
  expect(tooBig.status).toBe(413);
  expectErrorBody(tooBig.body, "payload_too_large");
});

test("cancel: every order of the batch that has not shipped is cancelled, and no further line is placed", async ({ stack, shopper }) => {
  // Payment held in an outage: the orders stay open until the cancel reaches them.
  await stack.setDownstream("payment", { outage: true });
  try {
    const posted = await postBatch(stack, shopper.headers, ndjson(Array.from({ length: 20 }, (_, i) => ({ ...WIDGET, reference: `c${i}` }))));
    expect(posted.status).toBe(202);
    const batchId = posted.body.batch_id;
    const response = await fetch(`${stack.baseURL}/api/batches/${batchId}/cancel`, { method: "POST", headers: shopper.headers });
    expect(response.status).toBe(200);
    const cancelled = await response.json();
    expect(cancelled).toMatchObject({ batch_id: batchId, status: "cancelled", counts: { total: 20, rejected: 0, shipped: 0, failed: 0 } });
    const results = await getResults(stack, shopper, batchId);
    const placed = results.filter((r) => r.order_id);
    expect(placed.every((r) => r.status === "cancelled")).toBe(true);
    expect(cancelled.counts.cancelled).toBe(placed.length);
    expect(cancelled.counts.open).toBe(20 - placed.length);
    // The placing job stops (the test controls' settle counts it while it runs): nothing more was placed.
    await expect
      .poll(async () => ((await (await stack.testControl("POST", "settle?timeout_s=0")).json()).waiting ?? {})["batch.place"] ?? 0)
      .toBe(0);
    expect((await getResults(stack, shopper, batchId)).filter((r) => r.order_id)).toHaveLength(placed.length);
  } finally {
    await stack.setDownstream("payment", { outage: false });
  }
});

test("a 10,000-line batch completes with exactly 10,000 orders or rejected lines, and a results file in input order", async ({ stack, shopper }) => {
  test.setTimeout(300_000);
  // One line in 20 is an order (a declined card: the shortest way to a final status), the
  // others are refused (unknown SKU). All 10,000 are judged, stored and reported; 500 go the
  // whole way through the pipeline, which on a shared CI machine finishes some tens of orders a
  // second — the placing rate of a full 10,000 is the bench's (BENCH_ONLY=batch).
  const isOrder = (i: number) => i % 20 === 0;
  const lines = Array.from({ length: 10_000 }, (_, i) =>
    isOrder(i) ? { ...DECLINED, reference: `L${i + 1}` } : { items: [{ sku: "NO-SUCH-SKU", quantity: 1 }], payment_method: "pm_card_declined", reference: `L${i + 1}` },
  );
  const posted = await postBatch(stack, shopper.headers, ndjson(lines));
  expect(posted.status, JSON.stringify(posted.body)).toBe(202);
  expect(posted.body.counts).toMatchObject({ total: 10_000, rejected: 9_500, open: 500 });
  const batchId = posted.body.batch_id;

  const done = await waitForBatchEnd(stack, shopper, batchId, 280_000);
  expect(done).toMatchObject({ status: "completed", counts: { total: 10_000, rejected: 9_500, open: 0, failed: 500, shipped: 0, cancelled: 0 } });

  const results = await getResults(stack, shopper, batchId);
  expect(results).toHaveLength(10_000);
  expect(results.map((r) => r.line)).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
  expect(results.map((r) => r.reference)).toEqual(Array.from({ length: 10_000 }, (_, i) => `L${i + 1}`));
  const orderIds = results.filter((r) => r.order_id).map((r) => r.order_id);
  expect(orderIds).toHaveLength(500);
  expect(new Set(orderIds).size).toBe(500);
  expect(results.every((r, i) => (isOrder(i) ? r.status === "payment_failed" && !r.error : r.error?.code === "unknown_sku" && !r.order_id))).toBe(true);
  const { rows } = await stack.pool.query("SELECT count(*)::int AS n FROM orders WHERE batch_id = $1", [batchId]);
  expect(rows[0].n).toBe(500);
});
