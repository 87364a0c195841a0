import { expect, SHARED_STACKS, test, useSharedStack } from "../support/fixtures";
import http from "node:http";
import { count, eq } from "drizzle-orm";
import { orders } from "@/server/db/schema";
import { getOrder, postOrder, TWO_WIDGETS } from "../support/api";
import { whileDatabaseIsDown } from "../support/database-outage";
import { type Shopper, type Stack } from "../support/stack";
import { trpcError, trpcMutation, trpcQuery, type TrpcAnswer } from "../support/trpc";

/** tRPC is a second door to the same services: it must hold the same limits as REST (decision 013). */
useSharedStack("perAddressLimits");
const BUDGET = Number(SHARED_STACKS.perAddressLimits.RATE_LIMIT_PER_MINUTE);

const ordersOf = async (stack: Stack, shopperId: string) => (await stack.db.select({ n: count() }).from(orders).where(eq(orders.shopperId, shopperId)))[0]!.n;

test("one per-shopper budget across REST and tRPC: the call past it is a 429 with Retry-After on both", async ({ stack, shopper }) => {
  expect((await postOrder(stack, shopper)).status).toBe(202);
  expect((await getOrder(stack, shopper, "ord_missing")).status).toBe(404);
  expect((await trpcQuery(stack, shopper, "orders.list")).status).toBe(200);
  expect((await trpcMutation(stack, shopper, "orders.place", { order: TWO_WIDGETS })).status).toBe(200);
  // A batch spends one request per call in it.
  const batch = await fetch(`${stack.baseURL}/api/trpc/orders.list,catalog.list?batch=1&input=${encodeURIComponent("{}")}`, { headers: shopper.headers });
  expect(batch.status).toBe(200);
  for (let spent = 6; spent < BUDGET; spent++) expect((await trpcQuery(stack, shopper, "catalog.list")).status).toBe(200);

  const limitedQuery = await trpcQuery(stack, shopper, "orders.list");
  expect(limitedQuery.status).toBe(429);
  expect(trpcError(limitedQuery)).toMatchObject({ code: "TOO_MANY_REQUESTS", httpStatus: 429, appCode: "rate_limited" });
  const retryAfter = Number(limitedQuery.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);

  const limitedOrder = await trpcMutation(stack, shopper, "orders.place", { order: TWO_WIDGETS });
  expect(limitedOrder.status).toBe(429);
  expect(Number(limitedOrder.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  const limitedRest = await postOrder(stack, shopper);
  expect(limitedRest.status).toBe(429);
  expect(limitedRest.body.error.code).toBe("rate_limited");
  expect(await ordersOf(stack, shopper.id)).toBe(2);

  // Another shopper's budget is untouched.
  expect((await trpcQuery(stack, await stack.newShopper(), "orders.list")).status).toBe(200);
});

/**
 * POSTs an oversized body on its own connection (the server answers before reading it all
 * and drops the socket, which must not break the pooled connections other calls reuse).
 * `chunked` leaves out Content-Length, so only counting while streaming can catch it.
 */
function postOversized(stack: Stack, path: string, shopper: Shopper, bytes: number, chunked: boolean): Promise<TrpcAnswer> {
  const prefix = `{"order":${JSON.stringify(TWO_WIDGETS)},"padding":"`;
  const total = prefix.length + bytes + 2;
  return new Promise((resolve, reject) => {
    const request = http.request(`${stack.baseURL}/api/trpc/${path}`, {
      method: "POST",
      agent: false,
      headers: { "Content-Type": "application/json", ...shopper.headers, ...(chunked ? {} : { "Content-Length": String(total) }) },
    });
    let answered = false;
    request.on("response", (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const headers = new Headers(Object.entries(response.headers).map(([k, v]) => [k, String(v)] as [string, string]));
        resolve({ status: response.statusCode ?? 0, headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
      });
    });
    // The server stops reading once it has answered; the write side then fails, which is expected.
    request.on("error", (err) => (answered ? undefined : reject(err)));
    request.write(prefix);
    const chunk = "x".repeat(64 * 1024);
    let sent = 0;
    const writeMore = () => {
      while (sent < bytes && !request.destroyed) {
        sent += chunk.length;
        if (!request.write(chunk)) return void request.once("drain", writeMore);
      }
      request.end('"}');
    };
    writeMore();
  });
}

test("a tRPC body over 64 KiB is a 413 and stores nothing, with or without a Content-Length", async ({ stack, shopper }) => {
  for (const chunked of [false, true]) {
    const answer = await postOversized(stack, "orders.place", shopper, 8 * 1024 * 1024, chunked);
    expect(answer.status, `chunked: ${chunked}`).toBe(413);
    expect(trpcError(answer)).toMatchObject({ code: "PAYLOAD_TOO_LARGE", httpStatus: 413 });
  }
  // Just over the limit, through the ordinary client, is refused too; just under it reaches the schema (400).
  const over = await trpcMutation(stack, shopper, "orders.place", { order: TWO_WIDGETS, padding: "x".repeat(64 * 1024) });
  expect(over.status).toBe(413);
  const under = await trpcMutation(stack, shopper, "orders.place", { order: TWO_WIDGETS, padding: "x".repeat(60 * 1024) });
  expect(under.status).toBe(400);
  expect(await ordersOf(stack, shopper.id)).toBe(0);
});

test("tRPC inputs follow the contract's schemas: unknown fields and a NUL in the Idempotency-Key are 400s", async ({ stack, shopper }) => {
  const rejected = [
    { order: TWO_WIDGETS, padding: "x" },
    { order: { ...TWO_WIDGETS, total: 0.01 } },
    { order: { ...TWO_WIDGETS, items: [{ sku: "WIDGET-42", quantity: 2, price: 0 }] } },
    { order: TWO_WIDGETS, idempotencyKey: "key\u0000with-nul" },
    { order: TWO_WIDGETS, idempotencyKey: "" },
    { order: { ...TWO_WIDGETS, payment_method: "visa" } },
  ];
  for (const input of rejected) {
    const answer = await trpcMutation(stack, shopper, "orders.place", input);
    expect(answer.status, JSON.stringify(input)).toBe(400);
    expect(trpcError(answer).code).toBe("BAD_REQUEST");
  }
  for (const [path, input] of [
    ["orders.get", { orderId: "ord_x", extra: true }],
    ["orders.list", { limit: 5, offset: 10 }],
  ] as const) {
    const answer = await trpcQuery(stack, shopper, path, input);
    expect(answer.status, path).toBe(400);
  }
  const nulOrderId = await trpcQuery(stack, shopper, "orders.get", { orderId: "ord_\u0000" });
  expect(nulOrderId.status).toBe(404);
  expect(await ordersOf(stack, shopper.id)).toBe(0);

  // The same key twice over tRPC is one order, as over REST.
  const first = await trpcMutation(stack, shopper, "orders.place", { order: TWO_WIDGETS, idempotencyKey: "trpc-once" });
  const again = await trpcMutation(stack, shopper, "orders.place", { order: TWO_WIDGETS, idempotencyKey: "trpc-once" });
  expect(first.status).toBe(200);
  expect(again.body.result.data.orderId).toBe(first.body.result.data.orderId);
  expect(await ordersOf(stack, shopper.id)).toBe(1);
});

test("database unavailable → tRPC answers 503 with Retry-After (queries, mutations and the context), then recovers", async ({ stack, shopper }) => {
  await whileDatabaseIsDown(stack, async () => {
    for (const answer of [
      await trpcQuery(stack, shopper, "orders.list"),
      await trpcMutation(stack, shopper, "orders.place", { order: TWO_WIDGETS }),
      await trpcQuery(stack, null, "catalog.list"),
    ]) {
      expect(answer.status).toBe(503);
      expect(trpcError(answer)).toMatchObject({ code: "SERVICE_UNAVAILABLE", httpStatus: 503, appCode: "database_unavailable" });
      expect(Number(answer.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    }
  });
  await expect.poll(async () => (await trpcQuery(stack, await stack.newShopper(), "orders.list")).status, { timeout: 30_000 }).toBe(200);
});
