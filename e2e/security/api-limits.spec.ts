import { expect, SHARED_STACKS, test, useSharedStack } from "../support/fixtures";
import type { Stack } from "../support/stack";
import http from "node:http";
import { eq } from "drizzle-orm";
import { shoppers } from "@/server/db/schema";
import { expectErrorBody } from "../support/api";
import { trpcError } from "../support/trpc";

/**
 * tRPC batches and calls without credentials, and the bodies of better-auth's endpoints
 * (docs/security.md, "Limits on every door"). One trusted proxy hop lets each test speak
 * from an address of its own (X-Forwarded-For), so the per-address budgets do not mix.
 */
useSharedStack("perAddressLimits");
const BUDGET = Number(SHARED_STACKS.perAddressLimits.RATE_LIMIT_PER_MINUTE);
const MAX_BATCH = 20; // TRPC_MAX_BATCH_SIZE's default

const from = (address: string) => ({ "X-Forwarded-For": address });

async function batch(stack: Stack, calls: number, headers: Record<string, string>) {
  const paths = Array.from({ length: calls }, () => "catalog.list").join(",");
  const response = await fetch(`${stack.baseURL}/api/trpc/${paths}?batch=1&input=${encodeURIComponent("{}")}`, { headers });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

test("a tRPC batch of more calls than TRPC_MAX_BATCH_SIZE is a 400 in tRPC's error shape and runs none of them", async ({ stack }) => {
  const address = from("198.51.100.1");
  const refused = await batch(stack, 300, address);
  expect(refused.status).toBe(400);
  expect(trpcError(refused)).toMatchObject({ code: "BAD_REQUEST", httpStatus: 400 });
  expect(refused.body.error.message).toMatch(/batch/i);
  expect((await batch(stack, MAX_BATCH + 1, address)).status).toBe(400);

  // None of the refused calls spent the address's budget: a full batch still fits in it.
  const full = await batch(stack, MAX_BATCH, address);
  expect(full.status).toBe(200);
  expect(full.body).toHaveLength(MAX_BATCH);
});

test("calls without credentials spend their address's budget, one per call in a batch; past it a 429 with Retry-After", async ({ stack }) => {
  const address = from("198.51.100.2");
  expect((await batch(stack, MAX_BATCH, address)).status).toBe(200);
  for (let spent = MAX_BATCH; spent < BUDGET; spent++) expect((await batch(stack, 1, address)).status).toBe(200);

  const limited = await batch(stack, 1, address);
  expect(limited.status).toBe(429);
  expect(trpcError({ ...limited, body: limited.body[0] })).toMatchObject({ code: "TOO_MANY_REQUESTS", httpStatus: 429, appCode: "rate_limited" });
  expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  // A batch past the budget is refused call by call, not run.
  expect((await batch(stack, 3, address)).status).toBe(429);

  // Another address, and a shopper with credentials at the same address, have budgets of their own.
  expect((await batch(stack, 1, from("198.51.100.3"))).status).toBe(200);
  const shopper = await stack.newShopper();
  expect((await batch(stack, 1, { ...address, ...shopper.headers })).status).toBe(200);
});

/** POSTs a JSON body of about `bytes` on its own connection, chunked or with Content-Length, as better-auth's client would. */
function postAuth(stack: Stack, path: string, prefix: string, bytes: number, suffix: string, chunked: boolean): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const total = Buffer.byteLength(prefix) + bytes + Buffer.byteLength(suffix);
    const request = http.request(`${stack.baseURL}/api/auth/${path}`, {
      method: "POST",
      agent: false,
      headers: { "Content-Type": "application/json", Origin: stack.baseURL, ...(chunked ? {} : { "Content-Length": String(total) }) },
    });
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "null") }));
    });
    request.on("error", reject);
    request.write(prefix);
    const piece = "x".repeat(64 * 1024);
    let sent = 0;
    const more = () => {
      while (sent < bytes) {
        const chunk = piece.slice(0, Math.min(piece.length, bytes - sent));
        sent += chunk.length;
        if (!request.write(chunk)) return void request.once("drain", more);
      }
      request.end(suffix);
    };
    more();
  });
}

const accountsWith = async (stack: Stack, email: string) => (await stack.db.select({ id: shoppers.id }).from(shoppers).where(eq(shoppers.email, email))).length;

test("better-auth's endpoints take at most 64 KiB of body (413 with the contract's body, chunked too) and a name of at most 100 characters", async ({ stack }) => {
  for (const chunked of [false, true]) {
    const email = `big-name-${chunked}.${Date.now()}@example.test`;
    const answer = await postAuth(stack, "sign-up/email", `{"email":"${email}","password":"long-enough-password","name":"`, 1024 * 1024, '"}', chunked);
    expect(answer.status, `chunked: ${chunked}`).toBe(413);
    expectErrorBody(answer.body, "payload_too_large");
    expect(await accountsWith(stack, email)).toBe(0);
  }

  const longName = `long-name.${Date.now()}@example.test`;
  const refused = await postAuth(stack, "sign-up/email", `{"email":"${longName}","password":"long-enough-password","name":"`, 101, '"}', false);
  expect(refused.status).toBe(400);
  expect(await accountsWith(stack, longName)).toBe(0);

  // An ordinary sign-up still goes through the capped body.
  const fine = `fine.${Date.now()}@example.test`;
  const accepted = await postAuth(stack, "sign-up/email", `{"email":"${fine}","password":"long-enough-password","name":"`, 100, '"}', true);
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  expect(await accountsWith(stack, fine)).toBe(1);
});
