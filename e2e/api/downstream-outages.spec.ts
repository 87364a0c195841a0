import { expect, startFromCleanShop, test } from "../support/fixtures";
import { FINAL_STATUSES } from "@/lib/order-state";
import type { DownstreamService } from "@/server/db/schema";
import { postOrder } from "../support/api";
import { countInStatus, expectChargedAndConfirmedOnce, statusHistogram } from "../support/db";
import { type Stack } from "../support/stack";

// The production policy (30 retries, backoff capped at 10 min: ~3.5 h) compressed to seconds:
// 60 retries a second apart. The old policy gave up after 5 retries.
const OLD_RETRY_LIMIT = 5;
startFromCleanShop("outageRetries");

const ORDERS = 20;
const ONE_WIDGET = { items: [{ sku: "WIDGET-42", quantity: 1 }], payment_method: "pm_visa_4242" };

async function placeOrders(stack: Stack): Promise<string[]> {
  const shoppers = await Promise.all(Array.from({ length: 4 }, () => stack.newShopper()));
  const answers = await Promise.all(Array.from({ length: ORDERS }, (_, i) => postOrder(stack, shoppers[i % shoppers.length]!, ONE_WIDGET)));
  for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  return answers.map((a) => a.body.order_id as string);
}

/** Fewest retries any of the orders' `queue` jobs has made so far (0 while one has none yet). */
async function fewestRetries(s: Stack, queue: string, orderIds: string[]): Promise<number> {
  const { rows } = await s.pool.query<{ n: number; fewest: number | null }>(
    "SELECT count(*)::int AS n, min(retry_count)::int AS fewest FROM pgboss.job WHERE name = $1 AND data->>'orderId' = ANY($2::text[])",
    [queue, orderIds],
  );
  return rows[0]!.n === orderIds.length ? (rows[0]!.fewest ?? 0) : 0;
}

async function deadLetters(s: Stack): Promise<number> {
  const { rows } = await s.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pgboss.job WHERE name LIKE '%.dead'");
  return rows[0]!.n;
}

/**
 * Holds `service` in an outage until every order's `queue` job has retried more often than the
 * old policy allowed (so the old policy would have dead-lettered them all), then ends it.
 */
async function outlastOldPolicy(stack: Stack, service: DownstreamService, queue: string, orderIds: string[]): Promise<void> {
  await expect.poll(() => fewestRetries(stack, queue, orderIds), { timeout: 90_000, intervals: [500] }).toBeGreaterThan(OLD_RETRY_LIMIT);
  await stack.setDownstream(service, { outage: false });
}

test("a payment provider outage longer than the old retry horizon: every order ships once it ends, none fails", async ({ stack }) => {
  test.setTimeout(180_000);
  await stack.setDownstream("payment", { outage: true });
  try {
    const orderIds = await placeOrders(stack);
    await outlastOldPolicy(stack, "payment", "chargePayment", orderIds);
    expect(await countInStatus(stack, orderIds, ["payment_failed"])).toBe(0);

    await expect.poll(() => countInStatus(stack, orderIds, [...FINAL_STATUSES]), { timeout: 90_000, intervals: [500] }).toBe(ORDERS);
    expect(await statusHistogram(stack, orderIds)).toEqual({ shipped: ORDERS });
    await expectChargedAndConfirmedOnce(stack, orderIds);
    expect(await deadLetters(stack)).toBe(0);
  } finally {
    await stack.setDownstream("payment", { outage: false });
  }
});

test("a carrier outage longer than the old retry horizon: paid orders wait at confirmed, then all ship", async ({ stack }) => {
  test.setTimeout(180_000);
  await stack.setDownstream("carrier", { outage: true });
  try {
    const orderIds = await placeOrders(stack);
    await expect.poll(() => countInStatus(stack, orderIds, ["confirmed"]), { timeout: 60_000, intervals: [500] }).toBe(ORDERS);
    await outlastOldPolicy(stack, "carrier", "createShipment", orderIds);

    await expect.poll(() => countInStatus(stack, orderIds, ["shipped"]), { timeout: 90_000, intervals: [500] }).toBe(ORDERS);
    const shipped = await statusHistogram(stack, orderIds);
    expect(shipped).toEqual({ shipped: ORDERS });
    await expectChargedAndConfirmedOnce(stack, orderIds);
    expect(await deadLetters(stack)).toBe(0);
  } finally {
    await stack.setDownstream("carrier", { outage: false });
  }
});
