import { expect, SHARED_STACKS, test, useSharedStack } from "../support/fixtures";
import type { Stack } from "../support/stack";
import { eq } from "drizzle-orm";
import { webhookLog } from "@/server/db/schema";
import { expectErrorBody, placeOrder, waitForStatus } from "../support/api";
import { newWebhookId, nowSeconds, xWebhookHeaders } from "../support/webhooks";

/**
 * /webhooks/payments against callers who cannot sign (docs/security.md): nothing of theirs
 * is stored, a failed signature spends from a strict per-address budget and every request
 * from a generous one. One trusted proxy hop lets the test speak from addresses of its own;
 * the payment simulator posts from 127.0.0.1 without X-Forwarded-For, so its deliveries
 * (the orders below shipping) never share a budget with the test's.
 */
useSharedStack("productionDoors");
const FAILED_PER_MINUTE = Number(SHARED_STACKS.productionDoors.WEBHOOK_FAILED_SIGNATURES_PER_MINUTE);
const ALL_PER_MINUTE = Number(SHARED_STACKS.productionDoors.WEBHOOK_RATE_LIMIT_PER_MINUTE);

async function post(stack: Stack, address: string, body: string, headers: Record<string, string>) {
  const response = await fetch(`${stack.baseURL}/webhooks/payments`, { method: "POST", headers: { ...headers, "X-Forwarded-For": address }, body });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

const completed = (orderId: string) => ({ event: "payment.completed", order_id: orderId, amount: 49.98, currency: "USD", completed_at: new Date().toISOString() });

function signed(stack: Stack, payload: object): [string, Record<string, string>] {
  const body = JSON.stringify(payload);
  return [body, xWebhookHeaders(stack.webhookSecret, { id: newWebhookId(), timestamp: nowSeconds(), body })];
}

const unsigned = (orderId: string) => JSON.stringify({ ...completed(orderId), padding: "x".repeat(16 * 1024) });

async function refusedInHealth(stack: Stack): Promise<number> {
  const details = { headers: { Authorization: `Bearer ${stack.healthToken}` } };
  return (await (await fetch(`${stack.baseURL}/api/health`, details)).json()).webhooks_refused as number;
}

test("unsigned deliveries naming a real order are refused (401), counted, and never stored against it", async ({ stack, shopper }) => {
  const orderId = await placeOrder(stack, shopper);
  await waitForStatus(stack, shopper, orderId, ["shipped"]);
  const logged = async () => (await stack.db.select().from(webhookLog).where(eq(webhookLog.orderId, orderId))).map((row) => row.outcome);
  const before = await logged();
  expect(before).toContain("processed"); // the provider's genuine delivery is on the timeline
  // The count is the web process's since it started, and other files share this stack (one
  // at a time): this test's refusals are what it adds.
  const refusedBefore = await refusedInHealth(stack);

  for (let i = 0; i < 20; i++) {
    const answer = await post(stack, "198.51.100.10", unsigned(orderId), { "Content-Type": "application/json", "X-Webhook-Signature": "sha256=00" });
    expect(answer.status).toBe(401);
    expectErrorBody(answer.body, "unauthorized");
  }
  expect(await logged()).toEqual(before);
  expect((await stack.db.select().from(webhookLog).where(eq(webhookLog.outcome, "rejected_signature"))).length).toBe(0);
  expect((await refusedInHealth(stack)) - refusedBefore).toBe(20);
});

test("an address whose signatures keep failing gets a 429 with Retry-After, even for a genuine delivery; other addresses do not", async ({ stack }) => {
  const address = "198.51.100.11";
  for (let i = 0; i < FAILED_PER_MINUTE; i++) expect((await post(stack, address, unsigned("ord_nobody"), { "Content-Type": "application/json" })).status).toBe(401);

  const limited = await post(stack, address, unsigned("ord_nobody"), { "Content-Type": "application/json" });
  expect(limited.status).toBe(429);
  expectErrorBody(limited.body, "rate_limited");
  expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  const [body, headers] = signed(stack, completed("ord_unknown"));
  expect((await post(stack, address, body, headers)).status).toBe(429);

  // Signed and verified from elsewhere: the unknown order's 404, as the contract says.
  expect((await post(stack, "198.51.100.12", body, headers)).status).toBe(404);
});

test("every request spends from a generous per-address budget: past WEBHOOK_RATE_LIMIT_PER_MINUTE even signed deliveries get a 429", async ({ stack }) => {
  const address = "198.51.100.13";
  for (let i = 0; i < ALL_PER_MINUTE; i++) {
    const [body, headers] = signed(stack, completed("ord_unknown"));
    expect((await post(stack, address, body, headers)).status).toBe(404);
  }
  const [body, headers] = signed(stack, completed("ord_unknown"));
  const limited = await post(stack, address, body, headers);
  expect(limited.status).toBe(429);
  expectErrorBody(limited.body, "rate_limited");
  expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
});
