/**
 * Migration 0006 on a database that already has orders: it backfills the rollups so the
 * overview's counts are right from the first read, and the triggers carry on from there.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import { afterAll, describe, expect, it } from "vitest";
import { MIGRATIONS_FOLDER } from "@/server/db/migrations-folder";
import { createDatabase } from "@/server/db/client";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-postgres";

const ROLLUP_MIGRATION = "0006_admin_rollups";

/** The migrations folder as it was before the rollups. */
function migrationsBeforeRollups(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "conveyor-migrations-"));
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  rmSync(path.join(dir, `${ROLLUP_MIGRATION}.sql`));
  const journalPath = path.join(dir, "meta/_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { idx: number; tag: string }[] };
  const own = journal.entries.findIndex((e) => e.tag === ROLLUP_MIGRATION);
  journal.entries = journal.entries.slice(0, own);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

let database: TestDatabase | undefined;
afterAll(() => database?.drop());

describe("migration 0006 on an existing database", () => {
  it("backfills exact status counts, throughput and step figures; later transitions keep them exact", async () => {
    database = await createTestDatabase("template0");
    const { db, pool } = createDatabase(database.url, 2);
    try {
      const before = migrationsBeforeRollups();
      await migrate(db, { migrationsFolder: before });
      rmSync(before, { recursive: true });

      await pool.query("INSERT INTO shoppers (id, email, name) VALUES ('usr_old', 'old@example.test', 'Old')");
      await pool.query(`
        INSERT INTO orders (id, shopper_id, status, payment_method, total_cents, lab_run_id, created_at)
        SELECT 'ord_old' || i, 'usr_old',
               (ARRAY['pending', 'payment_processing', 'confirmed', 'shipped', 'cancelled'])[1 + i % 5],
               'pm_visa_4242', 100, CASE WHEN i % 7 = 0 THEN 'lab_x' END, now() - make_interval(mins => i)
          FROM generate_series(1, 70) i`);
      await pool.query(`
        INSERT INTO order_events (id, order_id, status, created_at)
        SELECT 'evt_old' || id, id, 'confirmed', created_at + interval '250 ms' FROM orders WHERE status IN ('confirmed', 'shipped')`);
      await pool.query(`
        INSERT INTO job_attempts (job_id, queue, order_id, attempt, queued_at, started_at, finished_at, outcome)
        SELECT 'job_' || id, 'chargePayment', id, 1, created_at, created_at + interval '4 ms', created_at + interval '20 ms', 'completed' FROM orders`);

      await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });

      const compare = async () => {
        const { rows } = await pool.query<{ status: string; exact: number; rolled: number }>(`
          SELECT s.status, (SELECT count(*)::int FROM orders o WHERE o.status = s.status AND o.lab_run_id IS NULL) AS exact,
                 (SELECT coalesce(sum(orders), 0)::int FROM admin_status_counts c WHERE c.status = s.status) AS rolled
            FROM unnest(ARRAY['pending', 'payment_processing', 'confirmed', 'shipped', 'cancelled']) AS s(status)`);
        for (const row of rows) expect(row.rolled, row.status).toBe(row.exact);
        return rows;
      };
      const counts = await compare();
      expect(counts.reduce((sum, r) => sum + r.exact, 0)).toBe(60);

      const { rows: totals } = await pool.query(`
        SELECT (SELECT sum(accepted)::int FROM admin_order_minutes) AS accepted,
               (SELECT sum(confirmed)::int FROM admin_order_minutes) AS confirmed,
               (SELECT sum(attempts)::int FROM admin_step_rollups WHERE span_minutes = 1) AS attempts,
               (SELECT sum(attempts)::int FROM admin_step_rollups WHERE span_minutes = 60) AS attempts_hourly`);
      // 70 orders, 10 of them the lab's; 24 confirmed or shipped shop orders.
      expect(totals[0]).toEqual({ accepted: 60, confirmed: 24, attempts: 60, attempts_hourly: 60 });

      await pool.query("UPDATE orders SET status = 'payment_processing' WHERE status = 'pending'");
      await pool.query("UPDATE orders SET status = 'cancelled' WHERE id IN ('ord_old1', 'ord_old2')");
      await compare();
    } finally {
      await pool.end();
    }
  });
});
