import { expect, startFromCleanShop, test } from "../support/fixtures";
import type { Stack } from "../support/stack";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { postOrder } from "../support/api";
import { countInStatus, expectChargedAndConfirmedOnce, statusHistogram } from "../support/db";

// A horizon of seconds (2 retries, 1 s apart) so a step dead-letters within the test; a clean
// shop, so /api/health counts this file's dead letters only.
startFromCleanShop("twoRetries");

const ORDERS = 5;

/** `npm run jobs -- …` against the stack's database, as an operator would run it. */
async function jobsCli(stack: Stack, ...args: string[]): Promise<string> {
  // --silent: `npm test --loglevel=warn` (as CI runs it) passes its log level down through
  // npm_config_loglevel, which would add npm's "> conveyor jobs" banner to stdout.
  const { stdout } = await promisify(execFile)("npm", ["run", "--silent", "jobs", "--", ...args], {
    env: { ...process.env, DATABASE_URL: stack.databaseUrl },
    timeout: 60_000,
  });
  return stdout;
}

/** /api/health with its details (dead letters), as a monitor holding HEALTH_TOKEN reads it. */
async function health(stack: Stack): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${stack.baseURL}/api/health`, { headers: { Authorization: `Bearer ${stack.healthToken}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function deadShipments(stack: Stack): Promise<number> {
  const { rows } = await stack.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'createShipment.dead' AND state = 'created'");
  return rows[0]!.n;
}

test("a step dead-lettered in an outage shows in health as degraded and in `npm run jobs`; redriven after recovery, its orders ship, charged and emailed once", async ({ stack }) => {
  test.setTimeout(180_000);
  expect(await health(stack)).toMatchObject({ status: 200, body: { status: "ok", database: "ok", dead_letters: 0 } });

  await stack.setDownstream("carrier", { outage: true });
  let orderIds: string[];
  try {
    const shopper = await stack.newShopper();
    const answers = await Promise.all(Array.from({ length: ORDERS }, () => postOrder(stack, shopper, { items: [{ sku: "GADGET-7", quantity: 1 }], payment_method: "pm_visa_4242" })));
    orderIds = answers.map((a) => a.body.order_id as string);
    await expect.poll(() => deadShipments(stack), { timeout: 60_000, intervals: [500] }).toBe(ORDERS);
    expect(await statusHistogram(stack, orderIds)).toEqual({ confirmed: ORDERS });

    // Degraded, not down: still 200, with the contract's fields, and the depth per step.
    await expect.poll(async () => (await health(stack)).body.dead_letters, { timeout: 30_000 }).toBe(ORDERS);
    expect(await health(stack)).toEqual({
      status: 200,
      body: { status: "degraded", database: "ok", workers: 1, dead_letters: ORDERS, dead_letters_by_step: { "createShipment": ORDERS }, webhooks_refused: 0 },
    });

    const listing = await jobsCli(stack, "dead-letters");
    expect(listing).toMatch(new RegExp(`^createShipment +${ORDERS}  last \\S+: carrier: HTTP 503 .*outage`, "m"));
    expect(listing).toMatch(/^chargePayment +0$/m);
    expect(listing).toMatch(new RegExp(`^total +${ORDERS}$`, "m"));
  } finally {
    await stack.setDownstream("carrier", { outage: false });
  }

  expect(await jobsCli(stack, "redrive", "createShipment")).toBe(`redrove ${ORDERS} dead letters to createShipment\n`);
  await expect.poll(() => countInStatus(stack, orderIds, ["shipped"]), { timeout: 60_000, intervals: [500] }).toBe(ORDERS);
  expect(await deadShipments(stack)).toBe(0);
  expect(await jobsCli(stack, "redrive")).toBe("no dead letters to redrive\n");

  await expectChargedAndConfirmedOnce(stack, orderIds);

  await expect.poll(async () => (await health(stack)).body, { timeout: 30_000 }).toEqual({ status: "ok", database: "ok", workers: 1, dead_letters: 0, dead_letters_by_step: {}, webhooks_refused: 0 });
});
