import { expect, SHARED_STACKS, test, useSharedStack } from "../support/fixtures";
import { expectErrorBody, postOrder, TWO_WIDGETS } from "../support/api";
import { whileDatabaseIsDown } from "../support/database-outage";

useSharedStack("perAddressLimits");
const BUDGET = Number(SHARED_STACKS.perAddressLimits.RATE_LIMIT_PER_MINUTE);

test("over the per-shopper budget → 429 with Retry-After; other shoppers are unaffected", async ({ stack }) => {
  const greedy = await stack.newShopper();
  const statuses: number[] = [];
  let limited: Awaited<ReturnType<typeof postOrder>> | undefined;
  for (let i = 0; i <= BUDGET; i++) {
    const response = await postOrder(stack, greedy);
    statuses.push(response.status);
    if (response.status === 429) limited = response;
  }
  expect(statuses).toEqual([...Array<number>(BUDGET).fill(202), 429]);
  expectErrorBody(limited!.body, "rate_limited");
  const retryAfter = Number(limited!.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);

  const patient = await stack.newShopper();
  expect((await postOrder(stack, patient)).status).toBe(202);
});

test("database unavailable → 503 with the error body, and health names the database", async ({ stack, shopper }) => {
  await whileDatabaseIsDown(stack, async () => {
    const response = await postOrder(stack, shopper, TWO_WIDGETS);
    expect(response.status).toBe(503);
    expectErrorBody(response.body, "database_unavailable");

    const health = await fetch(`${stack.baseURL}/api/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ database: "unavailable", failing: ["database"] });
  });
  // …and the app recovers on its own once the database is back.
  await expect.poll(async () => (await fetch(`${stack.baseURL}/api/health`)).status, { timeout: 30_000 }).toBe(200);
  const after = await postOrder(stack, await stack.newShopper(), TWO_WIDGETS);
  expect(after.status).toBe(202);
});
