/**
 * /api/health is public (load balancers, uptime checks) and says only what the contract
 * says: up or not, and what fails. Dead letters per step — which third party struggles, how
 * many orders wait on it — are for admins and the HEALTH_TOKEN holder (docs/api.md).
 */
import { type APIRequestContext } from "@playwright/test";
import { expect, startFromCleanShop, test } from "../support/fixtures";
import type { Stack } from "../support/stack";
import { PgBoss } from "pg-boss";
import { sendOnlyBossOptions } from "@/jobs/boss";
import { deadLetterQueue } from "@/jobs/queues";
import { DEV_ADMIN_EMAIL, DEV_ADMIN_PASSWORD } from "@/server/env";

// A clean shop, so the one dead letter below is the only one; pg-boss's monitor refreshes the
// dead-letter counts health reads every JOB_SUPERVISE_SECONDS (2 s here).
startFromCleanShop("twoRetries");

const PUBLIC_OK = { status: "ok", database: "ok", workers: 1 };
const DETAILED = { status: "degraded", database: "ok", workers: 1, dead_letters: 1, dead_letters_by_step: { createShipment: 1 }, webhooks_refused: 0 };

async function health(stack: Stack, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${stack.baseURL}/api/health`, { headers });
  return { status: response.status, body: await response.json() };
}

async function signIn(stack: Stack, request: APIRequestContext, email: string, password: string): Promise<void> {
  const response = await request.post(`${stack.baseURL}/api/auth/sign-in/email`, { data: { email, password }, headers: { Origin: stack.baseURL } });
  expect(response.status(), await response.text()).toBe(200);
}

test.beforeAll(async ({ stack }) => {
  // One step's job waits in its dead-letter queue, as after an outage outlasting its retries.
  const boss = new PgBoss(sendOnlyBossOptions(stack.databaseUrl, "conveyor-e2e", 1));
  await boss.start();
  try {
    await boss.send(deadLetterQueue("createShipment"), { orderId: "ord_healthprobe0000000000" });
  } finally {
    await boss.stop({ graceful: false });
  }
  await expect.poll(async () => (await health(stack, { Authorization: `Bearer ${stack.healthToken}` })).body, { timeout: 30_000 }).toEqual(DETAILED);
});

test("anyone: the contract's shape only, without dead letters or the degraded state", async ({ stack }) => {
  expect(await health(stack)).toEqual({ status: 200, body: PUBLIC_OK });
});

test("a wrong token, a shopper's API key or session: still the public shape (never a 401: probes keep working)", async ({ stack, playwright }) => {
  expect(await health(stack, { Authorization: "Bearer not-the-health-token-not-the-health-token" })).toEqual({ status: 200, body: PUBLIC_OK });
  const shopper = await stack.newShopper();
  expect(await health(stack, shopper.headers)).toEqual({ status: 200, body: PUBLIC_OK });

  const request = await playwright.request.newContext();
  try {
    const email = `health.${Date.now()}@example.test`;
    const signUp = await request.post(`${stack.baseURL}/api/auth/sign-up/email`, {
      data: { email, password: "a-shopper-password", name: "Shopper" },
      headers: { Origin: stack.baseURL },
    });
    expect(signUp.status(), await signUp.text()).toBe(200);
    const response = await request.get(`${stack.baseURL}/api/health`);
    expect(await response.json()).toEqual(PUBLIC_OK);
  } finally {
    await request.dispose();
  }
});

test("HEALTH_TOKEN, an admin's session or an admin's API key: the details", async ({ stack, playwright }) => {
  expect(await health(stack, { Authorization: `Bearer ${stack.healthToken}` })).toEqual({ status: 200, body: DETAILED });
  const admin = await stack.newShopper({ admin: true });
  expect(await health(stack, admin.headers)).toEqual({ status: 200, body: DETAILED });

  const request = await playwright.request.newContext();
  try {
    // The stack's database is a copy of the test template, seeded with the development admin.
    await signIn(stack, request, DEV_ADMIN_EMAIL, DEV_ADMIN_PASSWORD);
    const response = await request.get(`${stack.baseURL}/api/health`);
    expect(await response.json()).toEqual(DETAILED);
  } finally {
    await request.dispose();
  }
});
