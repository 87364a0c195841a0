/**
 * POST /api/beacons is a door anyone can knock on (docs/security.md, decision 035): our own
 * pages only, a budget per client address, 4 KiB and 32 measurements per beacon, a schema that
 * leaves no room for anything about the shopper — and nothing stored from a refused beacon.
 * One trusted proxy hop lets each test speak from an address of its own.
 */
import { expect, SHARED_STACKS, test, useSharedStack } from "../support/fixtures";
import type { Stack } from "../support/stack";
import { shopperMeasurements } from "@/server/db/schema";
import { expectErrorBody } from "../support/api";
import { postBeacon } from "../support/beacons";

useSharedStack("perAddressLimits");
const BUDGET = Number(SHARED_STACKS.perAddressLimits.BEACON_RATE_LIMIT_PER_MINUTE);

const beacon = (measurements: unknown[] = [{ metric: "server_answer", value_ms: 180 }]) => JSON.stringify({ page: "/checkout", measurements });

async function send(stack: Stack, address: string, body: BodyInit, headers: Record<string, string> = {}) {
  const response = await postBeacon(stack, body, { "X-Forwarded-For": address, ...headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

const stored = async (stack: Stack) => (await stack.db.select().from(shopperMeasurements)).length;

test("a beacon from our own pages is stored (204); from another site, or without an Origin, it is refused (403) and nothing is stored", async ({ stack }) => {
  const before = await stored(stack);
  expect((await send(stack, "198.51.100.20", beacon())).status).toBe(204);
  expect(await stored(stack)).toBe(before + 1);

  const refusals: Record<string, string>[] = [{ Origin: "https://shop.evil.example" }, { Origin: "null" }, { "Sec-Fetch-Site": "cross-site" }, { "Sec-Fetch-Site": "same-site" }];
  for (const headers of refusals) {
    const refused = await send(stack, "198.51.100.20", beacon(), headers);
    expect(refused.status, JSON.stringify(headers)).toBe(403);
    expectErrorBody(refused.body, "forbidden");
  }
  const noOrigin = await fetch(`${stack.baseURL}/api/beacons`, { method: "POST", headers: { "Content-Type": "text/plain" }, body: beacon() });
  expect(noOrigin.status).toBe(403);
  expect(await stored(stack)).toBe(before + 1);
});

test("past 4 KiB a beacon is a 413, with Content-Length or streamed; a form body is a 415", async ({ stack }) => {
  const before = await stored(stack);
  const big = JSON.stringify({ page: "/checkout", measurements: [{ metric: "inp", value_ms: 1 }], padding: "x".repeat(5000) });
  const declared = await send(stack, "198.51.100.21", big);
  expect(declared.status).toBe(413);
  expectErrorBody(declared.body, "payload_too_large");
  const chunks = new TextEncoder().encode(big);
  const streamed = await send(stack, "198.51.100.21", new ReadableStream({ start: (c) => (c.enqueue(chunks), c.close()) }));
  expect(streamed.status).toBe(413);
  const form = await send(stack, "198.51.100.21", "page=%2Fcheckout", { "Content-Type": "application/x-www-form-urlencoded" });
  expect(form.status).toBe(415);
  expect(await stored(stack)).toBe(before);
});

test("a beacon that is not JSON, names what we do not measure, carries more than 32 measurements or anything about the shopper is a 400 that says what is wrong", async ({ stack }) => {
  const before = await stored(stack);
  const notJson = await send(stack, "198.51.100.22", "{not json");
  expect(notJson.status).toBe(400);
  expectErrorBody(notJson.body, "invalid_request");

  const cases: [string, string][] = [
    [beacon([{ metric: "status.teleported", value_ms: 5 }]), "measurements.0.metric"],
    [beacon([{ metric: "inp", value_ms: -5 }]), "measurements.0.value_ms"],
    [beacon(Array.from({ length: 33 }, () => ({ metric: "inp", value_ms: 5 }))), "measurements"],
    [beacon([{ metric: "inp", value_ms: 5, email: "shopper@example.test" }]), "measurements.0"],
    [JSON.stringify({ page: "/orders/ord_123", measurements: [{ metric: "inp", value_ms: 5 }] }), "page"],
  ];
  for (const [body, path] of cases) {
    const refused = await send(stack, "198.51.100.22", body);
    expect(refused.status, body.slice(0, 80)).toBe(400);
    expectErrorBody(refused.body, "invalid_request");
    expect(refused.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
  }
  // JSON as JSON is fine too (from another address: the refusals above spent this one's budget, as they should).
  expect((await send(stack, "198.51.100.25", beacon(), { "Content-Type": "application/json" })).status).toBe(204);
  expect(await stored(stack)).toBe(before + 1);
});

test("past BEACON_RATE_LIMIT_PER_MINUTE an address gets a 429 with Retry-After; another address does not", async ({ stack }) => {
  const address = "198.51.100.23";
  for (let i = 0; i < BUDGET; i++) expect((await send(stack, address, beacon())).status).toBe(204);
  const limited = await send(stack, address, beacon());
  expect(limited.status).toBe(429);
  expectErrorBody(limited.body, "rate_limited");
  expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  expect((await send(stack, "198.51.100.24", beacon())).status).toBe(204);
});
