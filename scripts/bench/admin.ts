/**
 * The admin phase of `npm run bench`: seeds a shop-sized history (100,000 orders by 1,000
 * shoppers over the last 24 h, each with its line, five status events and two job
 * attempts), then times the admin overview and the order search over HTTP as an admin
 * would call them, and prints the plans of their main queries (decision 018). The history is
 * inserted into the real tables, so migration 0006's triggers keep the overview's counters
 * and rollups exactly as the pipeline's own writes would.
 */
import { sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import pg from "pg";
import { STATUS_COUNTS_QUERY, orderMinutesQuery, stepTimingsQuery } from "@/server/admin/get-overview";
import { orderSearchSchema, searchOrdersQuery, type OrderSearch } from "@/server/admin/search-orders";
import { createApiKey } from "@/server/auth/api-keys";
import { createDatabase } from "@/server/db/client";
import { percentile } from "./load";

export const ADMIN_SEED_ORDERS = 100_000;
const CALLS = 20;

export type AdminTiming = { name: string; p50_ms: number; p99_ms: number; rows?: number };

/**
 * Inserts the history in set-based statements, a chunk of orders at a time: each chunk is its
 * own transaction, as the pipeline's writes are, so the rollup triggers update each counter
 * row once per chunk rather than 100,000 times in one transaction.
 */
export async function seedAdminHistory(pool: pg.Pool, orders = ADMIN_SEED_ORDERS): Promise<void> {
  await pool.query(`
    INSERT INTO shoppers (id, email, name)
    SELECT 'usr_bench' || lpad(i::text, 15, '0'), 'history-' || i || '@conveyor.test', 'History ' || i
      FROM generate_series(1, 1000) i ON CONFLICT DO NOTHING`);
  for (let first = 1; first <= orders; first += SEED_CHUNK) {
    await seedChunk(pool, orders, first, Math.min(orders, first + SEED_CHUNK - 1));
  }
  await pool.query("SELECT admin_fold_rollups()");
  await pool.query(
    "VACUUM ANALYZE orders, order_lines, order_events, job_attempts, shoppers, admin_status_counts, admin_order_minutes, admin_step_rollups",
  );
}

const SEED_CHUNK = 2000;

/** Orders first..last of the history, with their line, events and job attempts. */
async function seedChunk(pool: pg.Pool, orders: number, first: number, last: number): Promise<void> {
  await pool.query(
    `
    WITH o AS (
      INSERT INTO orders (id, shopper_id, status, payment_state, stock_state, payment_method, total_cents, tracking, created_at, updated_at)
      SELECT 'ord_hist' || lpad(i::text, 16, '0'),
             'usr_bench' || lpad((1 + i % 1000)::text, 15, '0'),
             CASE WHEN i % 50 = 0 THEN 'payment_failed' WHEN i % 97 = 0 THEN 'cancelled' ELSE 'shipped' END,
             CASE WHEN i % 50 = 0 THEN 'failed' ELSE 'completed' END,
             CASE WHEN i % 50 = 0 THEN 'released' ELSE 'reserved' END,
             'pm_visa_4242', 2499,
             CASE WHEN i % 50 = 0 OR i % 97 = 0 THEN NULL ELSE '1ZHIST' || lpad(i::text, 12, '0') END,
             now() - make_interval(secs => 86400.0 * ($1::int - i) / $1::int),
             now() - make_interval(secs => 86400.0 * ($1::int - i) / $1::int)
        FROM generate_series($2::int, $3::int) i
      RETURNING id, created_at
    )
    INSERT INTO order_lines (order_id, line_no, sku, name, quantity, unit_price_cents)
    SELECT id, 1, 'WIDGET-42', 'Widget', 1, 2499 FROM o`,
    [orders, first, last],
  );
  const chunk = [`ord_hist${String(first).padStart(16, "0")}`, `ord_hist${String(last).padStart(16, "0")}`];
  await pool.query(
    `
    INSERT INTO order_events (id, order_id, status, created_at)
    SELECT 'evt_hist' || o.seq || '_' || s.n, o.id, s.status, o.created_at + s.after
      FROM orders o
      CROSS JOIN (VALUES (1, 'pending', interval '0'), (2, 'payment_processing', interval '40 ms'), (3, 'payment_confirmed', interval '120 ms'),
                         (4, 'confirmed', interval '260 ms'), (5, 'shipped', interval '400 ms')) AS s(n, status, after)
     WHERE o.id BETWEEN $1 AND $2`,
    chunk,
  );
  await pool.query(
    `
    INSERT INTO job_attempts (job_id, queue, order_id, attempt, queued_at, started_at, finished_at, outcome)
    SELECT gen_random_uuid()::text, q.queue, o.id, 1, o.created_at + q.at, o.created_at + q.at + interval '5 ms', o.created_at + q.at + interval '25 ms', 'completed'
      FROM orders o CROSS JOIN (VALUES ('chargePayment', interval '1 ms'), ('createShipment', interval '300 ms')) AS q(queue, at)
     WHERE o.id BETWEEN $1 AND $2`,
    chunk,
  );
}

/** Times each admin call over HTTP (tRPC, as the dashboard calls it), CALLS times each. */
export async function timeAdminCalls(baseUrl: string, databaseUrl: string): Promise<AdminTiming[]> {
  const { db, pool } = createDatabase(databaseUrl, 1);
  const { shopper, key } = await createApiKey(db, "bench-admin@conveyor.test");
  await pool.query("UPDATE shoppers SET role = 'admin' WHERE id = $1", [shopper.id]);
  await pool.end();
  const headers = { Authorization: `Bearer ${key}` };
  const call = async (path: string, input: unknown) => {
    const response = await fetch(`${baseUrl}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers });
    const body = (await response.json()) as { result?: { data: { data?: unknown[]; nextCursor?: string | null } } };
    if (!response.ok) throw new Error(`${path} answered ${response.status}`);
    return body.result!.data;
  };
  const firstPage = await call("admin.orders", { limit: 25 });
  let deepCursor = firstPage.nextCursor;
  for (let i = 0; i < 40 && deepCursor; i++) deepCursor = (await call("admin.orders", { limit: 100, cursor: deepCursor })).nextCursor;
  const day = new Date(Date.now() - 6 * 3600_000);
  const cases: [string, string, unknown][] = [
    ["overview (15 min window)", "admin.overview", { window: "15m" }],
    ["overview (24 h window)", "admin.overview", { window: "24h" }],
    ["orders: newest 25", "admin.orders", { limit: 25 }],
    ["orders: status payment_failed", "admin.orders", { status: "payment_failed", limit: 25 }],
    ["orders: one shopper by email", "admin.orders", { shopper: "history-42@conveyor.test", limit: 25 }],
    ["orders: by tracking number", "admin.orders", { q: "1ZHIST000000050001" }],
    ["orders: an hour six hours ago", "admin.orders", { from: day.toISOString(), to: new Date(day.getTime() + 3600_000).toISOString(), limit: 25 }],
    ["orders: page after 4,025 rows", "admin.orders", { limit: 25, cursor: deepCursor }],
  ];
  const timings: AdminTiming[] = [];
  for (const [name, path, input] of cases) {
    await call(path, input);
    const samples: number[] = [];
    let rows: number | undefined;
    for (let i = 0; i < CALLS; i++) {
      const started = performance.now();
      const data = await call(path, input);
      samples.push(performance.now() - started);
      rows = Array.isArray(data.data) ? data.data.length : undefined;
    }
    timings.push({ name, p50_ms: percentile(samples, 50), p99_ms: percentile(samples, 99), rows });
  }
  return timings;
}

/**
 * EXPLAIN (ANALYZE) of the overview's and the search's queries as the app builds them (the
 * 24 h window, the widest), for decision 018.
 */
export async function explainAdminQueries(pool: pg.Pool): Promise<Record<string, string>> {
  const sixHoursAgo = new Date(Date.now() - 6 * 3600_000);
  const search = (input: OrderSearch) => searchOrdersQuery(orderSearchSchema.parse(input));
  const queries: Record<string, SQL> = {
    "status counts (counter shards)": STATUS_COUNTS_QUERY,
    "order rollup, 24 h window": orderMinutesQuery(1440),
    "step rollups, 24 h window": stepTimingsQuery(1440),
    "orders: newest 25": search({ limit: 25 }),
    "orders: by status": search({ status: "payment_failed", limit: 25 }),
    "orders: an hour six hours ago": search({ from: sixHoursAgo.toISOString(), to: new Date(sixHoursAgo.getTime() + 3600_000).toISOString(), limit: 25 }),
    "queue depth": sql.raw("SELECT name, count(*) FROM pgboss.job WHERE state < 'active' AND NOT blocked GROUP BY name"),
  };
  const dialect = new PgDialect();
  const plans: Record<string, string> = {};
  for (const [name, query] of Object.entries(queries)) {
    const { sql: text, params } = dialect.sqlToQuery(query);
    const { rows } = await pool.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, COSTS OFF, BUFFERS OFF) ${text}`, params);
    plans[name] = rows.map((r) => r["QUERY PLAN"]).join("\n");
  }
  return plans;
}
