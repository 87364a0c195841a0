/**
 * The admin order search's date range on a real Postgres: it walks created_at newest first,
 * and its cursor pages through every order of the range exactly once.
 */
import { describe, expect, it } from "vitest";
import { useServiceDatabase } from "@/tests/support/service-database";
import { searchOrders } from "./search-orders";

const svc = useServiceDatabase();

describe("order search by date range", () => {
  it("pages through the range newest first, each order once, none from outside it", async () => {
    const { pool, newShopperId } = svc();
    const shopperId = await newShopperId();
    // 30 orders a minute apart, three of them sharing one created_at (ties are broken by seq).
    await pool.query(
      `INSERT INTO orders (id, shopper_id, payment_method, total_cents, created_at)
       SELECT 'ord_range' || lpad(i::text, 3, '0'), $1, 'pm_visa_4242', 100,
              date_trunc('hour', now()) - interval '3 hours' + make_interval(mins => CASE WHEN i BETWEEN 10 AND 12 THEN 10 ELSE i END)
         FROM generate_series(1, 30) i`,
      [shopperId],
    );
    const base = Date.parse((await pool.query<{ t: Date }>("SELECT date_trunc('hour', now()) - interval '3 hours' AS t")).rows[0]!.t.toISOString());
    const from = new Date(base + 5 * 60_000).toISOString();
    const to = new Date(base + 25 * 60_000).toISOString();

    const seen: { orderId: string; createdAt: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof searchOrders>> = await searchOrders(svc().db, { from, to, limit: 4, cursor });
      seen.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);

    const expected = Array.from({ length: 20 }, (_, k) => 5 + k).map((i) => `ord_range${String(i).padStart(3, "0")}`);
    expect(seen.map((r) => r.orderId).sort()).toEqual(expected.sort());
    const times = seen.map((r) => Date.parse(r.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });
});
