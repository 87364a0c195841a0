import "server-only";
import { ne, sql } from "drizzle-orm";
import type { Database } from "@/server/db/client";
import { downstreamSettings, products, shoppers } from "@/server/db/schema";
import { SEED_PRODUCTS, seedDownstreamSettings } from "@/server/db/seed";
import type { PipelineJobs } from "@/server/pipeline/pipeline-jobs";
import type { TestControl } from "./test-control";

/**
 * The public tables a reset does not empty: configuration, put back to its defaults below
 * (products, downstream_settings); the accounts, of which only the admins' rows stay (with
 * their keys and sessions); and the running processes' heartbeats. Every other table holds
 * shop data — orders, events, carts, emails, payments, idempotency keys, the admin rollups,
 * the simulators' records, and whatever a later migration adds — and is emptied. A new table
 * that holds configuration instead belongs here, with its own reset step.
 */
const KEPT_TABLES = ["products", "downstream_settings", "worker_heartbeats", "shoppers", "api_keys", "auth_sessions", "auth_accounts"];

const DEADLOCK_DETECTED = "40P01";

/**
 * The jobs a reset leaves, as a condition on pgboss.job: the hourly maintenance, and pg-boss's
 * own cron plumbing (at minute 17 of each hour its timekeeper puts a job on its
 * `__pgboss__send-it` queue, which sends the maintenance job). Checks of "every job is gone"
 * use NOT (this), or a run across hh:17 counts one job too many.
 */
export const JOBS_A_RESET_KEEPS = "name = 'maintenance.hourly' OR name LIKE '\\_\\_pgboss\\_\\_%'";

/**
 * Puts the shop back as a fresh start leaves it (docs/testing.md): no orders, events, jobs,
 * carts, emails or shoppers but the admins; the seed catalog at its seeded stock; every
 * simulated service at its defaults. One transaction, so a reader sees the shop before or
 * after, never half-reset. It takes `orders` first, the table every pipeline transaction
 * starts with, so work in flight finishes (or waits) instead of deadlocking with it.
 * The admin rollups are emptied with the rest (TRUNCATE fires no row triggers), so the
 * overview counts read 0 afterwards.
 */
export async function resetShop(db: Database, jobs: PipelineJobs): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(async (tx) => {
        await tx.execute(sql`LOCK TABLE orders IN ACCESS EXCLUSIVE MODE`);
        const { rows } = await tx.execute<{ name: string }>(sql`
          SELECT c.relname AS name
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
             AND c.relname NOT IN (${sql.join(KEPT_TABLES.map((t) => sql`${t}`), sql`, `)})
             -- tables an extension owns (pg_stat_statements, say) are not the shop's
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
           ORDER BY c.relname`);
        await tx.execute(sql.raw(`TRUNCATE ${rows.map((r) => `public."${r.name.replaceAll('"', '""')}"`).join(", ")}`));
        await tx.delete(shoppers).where(ne(shoppers.role, "admin"));
        // Every job of the pipeline (dead letters included) and of the lab; the hourly maintenance stays scheduled.
        await jobs.clearJobs(tx);
        await tx
          .insert(products)
          .values(SEED_PRODUCTS)
          .onConflictDoUpdate({
            target: products.sku,
            set: {
              name: sql`excluded.name`,
              description: sql`excluded.description`,
              priceCents: sql`excluded.price_cents`,
              stock: sql`excluded.stock`,
              updatedAt: sql`now()`,
            },
          });
        await tx.delete(downstreamSettings);
        await seedDownstreamSettings(tx);
      });
    } catch (err) {
      // Work that started before the reset may still lock tables in another order; one of
      // the two is chosen to give way, and when it is the reset, it simply runs again.
      if (postgresCode(err) !== DEADLOCK_DETECTED || attempt >= 3) throw err;
    }
  }
}

/** The SQLSTATE of a failed query, which drizzle wraps in an error of its own. */
function postgresCode(err: unknown): string | undefined {
  const { code, cause } = (err ?? {}) as { code?: string; cause?: { code?: string } };
  return code ?? cause?.code;
}

/** POST /api/test/reset → 204. */
export const resetShopControl: TestControl = {
  method: "POST",
  path: ["reset"],
  async serve(_request, _params, services) {
    await resetShop(services.db, (await services.jobs()).pipeline);
    return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  },
};
