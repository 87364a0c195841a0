/**
 * The lab, end to end: a run started through the admin API finishes with results for all
 * three modes, none of which erred or lost an order, and the lab page shows them. How its
 * modes compare under a risk spike (decision 019's thesis) is measured by `BENCH_ONLY=lab
 * npm run bench`, not asserted here: a timing comparison on a shared machine is a figure,
 * not a test.
 */
import { signInAsAdmin } from "../support/admin-session";
import { expect, test } from "../support/fixtures";

const ORDERS = 10;
const CONCURRENCY = 5;
const MODES = ["direct", "wait", "async"] as const;

test("a lab run finishes with every mode's results, nothing lost, and the lab page shows them", async ({ stack, admin, page }) => {
  // Three modes of ten checkouts each, with warm-ups, on a machine other stacks share.
  test.setTimeout(180_000);
  const run = await admin.mutation("admin.startLabRun", { orders: ORDERS, concurrency: CONCURRENCY });
  let finished: any;
  await expect
    .poll(
      async () => {
        finished = (await admin.query("admin.labRuns")).find((r: any) => r.id === run.id);
        return finished?.status;
      },
      { timeout: 90_000, intervals: [250, 500, 1000] },
    )
    .toBe("finished");
  const results = Object.fromEntries(finished.results.map((r: any) => [r.mode, r]));
  for (const mode of MODES) {
    expect(results[mode].requests, mode).toBe(ORDERS);
    expect(results[mode].errors, mode).toBe(0);
    expect(results[mode].lost, mode).toBe(0);
  }

  await signInAsAdmin(page, stack.baseURL);
  await page.goto(`${stack.baseURL}/admin/lab`);
  for (const mode of MODES) {
    const row = page.locator(`[data-mode="${mode}"]`).first();
    await expect(row).toHaveAttribute("data-lost", "0");
    await expect(row).toHaveAttribute("data-errors", "0");
  }
});
