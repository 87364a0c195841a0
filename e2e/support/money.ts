/**
 * What the money-safety specs share (decision 010): a slow provider, charge retries that run
 * out quickly, and the environment their stacks run with.
 */
import { PgBoss } from "pg-boss";
import { sendOnlyBossOptions } from "@/jobs/boss";
import type { Stack } from "./stack";

export const ONE_GADGET = { items: [{ sku: "GADGET-7", quantity: 1 }], payment_method: "pm_visa_4242" };

/** Provider latency (ms) above the stack's PROVIDER_TIMEOUT_MS: our charge call times out while the provider goes on. */
export const SLOWER_THAN_TIMEOUT = 3000;

/**
 * A provider timeout of 2 s makes "slower than the timeout" cheap to reproduce; reconciliation
 * looks after 3 s instead of minutes. A new object on each call: each file that calls it gets
 * a stack of its own (Playwright groups workers by the option's identity), so the money-safety
 * files run side by side rather than one after the other at the end of the suite.
 */
export function slowProviderStackEnv(): Record<string, string> {
  return { PROVIDER_TIMEOUT_MS: "2000", PAYMENT_RECONCILE_AFTER_SECONDS: "3" };
}

/**
 * The provider as a whole is slow: the charge call and, after it, its fraud check and risk
 * scoring (services of their own in the simulator), so its verdict comes well after the call.
 */
export async function setProviderLatency(stack: Stack, baseLatencyMs: number): Promise<void> {
  for (const service of ["payment", "fraud", "risk"] as const) await stack.setDownstream(service, { baseLatencyMs });
}

/** Charge jobs give up after one quick retry (the production horizon is far longer). */
export async function chargeRetriesExhaustQuickly(stack: Stack): Promise<void> {
  const boss = new PgBoss(sendOnlyBossOptions(stack.databaseUrl, "conveyor-e2e", 1));
  await boss.start();
  try {
    await boss.updateQueue("chargePayment", { retryLimit: 1, retryDelay: 1, retryBackoff: false });
  } finally {
    await boss.stop({ graceful: false });
  }
}

/** Every downstream service back to quick and healthy, after a test that slowed or broke one. */
export async function healthyDownstream(stack: Stack): Promise<void> {
  for (const service of ["payment", "fraud", "risk", "email", "carrier"] as const) {
    await stack.setDownstream(service, { baseLatencyMs: 2, outage: false, dropWebhooks: false });
  }
}
