/**
 * The dead-letters page after a long outage: 12,000 dead letters (inserted as pg-boss's fail
 * writes them) show as one group with its 20 newest jobs, and "Load 50 more" pages on.
 * DEAD_LETTER_SCREENSHOTS=<dir> also saves the page at 1280 and 375 px wide.
 */
import { expect, startFromCleanShop, test } from "../support/fixtures";
import { signInAsAdmin } from "../support/admin-session";

// Starts from a clean shop: it counts the groups of its 12,000 dead letters, which the next
// file's reset takes away again.
startFromCleanShop("cleanShop");

const DEAD = 12_000;

test("12,000 dead letters: one group, 20 shown, and load more pages on, newest first", async ({ stack, page }) => {
  await stack.pool.query(
    `INSERT INTO pgboss.job (name, data, source_name, source_id, source_created_on, source_retry_count, source_output, created_on, start_after)
     SELECT 'createShipment.dead', jsonb_build_object('orderId', 'ord_outage' || i), 'createShipment', gen_random_uuid(), now() - interval '4 hours', 30,
            jsonb_build_object('message', 'carrier: HTTP 503 for shp_' || md5(i::text) || ' after ' || (i % 900) || ' ms (outage)'),
            now() - interval '3 hours' + i * interval '10 ms', now()
       FROM generate_series(1, $1::int) i`,
    [DEAD],
  );
  await signInAsAdmin(page, stack.baseURL);
  await page.goto(`${stack.baseURL}/admin/dead-letters`);
  const group = page.locator("[data-fingerprint]");
  await expect(group).toHaveCount(1);
  await expect(group).toHaveAttribute("data-count", String(DEAD));
  await expect(group.getByText("Showing 20 of 12,000")).toBeVisible();
  await expect(group.getByRole("link", { name: `ord_outage${DEAD}`, exact: true })).toBeVisible();

  const screenshots = process.env.DEAD_LETTER_SCREENSHOTS;
  if (screenshots) await page.screenshot({ path: `${screenshots}/dead-letters-1280.png`, fullPage: false });

  await group.getByRole("button", { name: "Load 50 more" }).click();
  await expect(group.getByText("Showing 70 of 12,000")).toBeVisible();
  await expect(group.getByRole("link", { name: `ord_outage${DEAD - 69}`, exact: true })).toBeVisible();
  await expect(group.getByRole("listitem")).toHaveCount(70);

  if (screenshots) {
    await page.setViewportSize({ width: 375, height: 812 });
    await page.screenshot({ path: `${screenshots}/dead-letters-375.png`, fullPage: false });
    await page.getByText("Showing 70 of 12,000").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${screenshots}/dead-letters-375-more.png`, fullPage: false });
  }
});
