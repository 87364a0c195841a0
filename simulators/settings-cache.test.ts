import { eq, sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { downstreamSettings } from "@/server/db/schema";
import { useServiceDatabase } from "@/tests/support/service-database";
import { createSettingsCache } from "./settings-cache";

const svc = useServiceDatabase();

/** Asks until `read` gives `expected`. */
async function eventually<T>(read: () => Promise<T>, expected: T): Promise<void> {
  await vi.waitFor(async () => expect(await read()).toBe(expected), { timeout: 10_000, interval: 10 });
}

/** Waits until the cache's LISTEN connection has run its LISTEN: its last statement, and it is idle since. */
async function listening(db: ReturnType<typeof svc>["db"]): Promise<void> {
  await eventually(async () => {
    const result = await db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'conveyor-simulators-listen' AND state = 'idle' AND query = 'LISTEN downstream_settings'`,
    );
    return result.rows[0]?.n;
  }, 1);
}

describe("simulator settings cache", () => {
  it("sees an admin's change through the table's NOTIFY, with no expiry to fall back on", async () => {
    const { db, url } = svc();
    // An hour: only the notification can make the cache read the row again.
    const cache = createSettingsCache(db, url, 3_600_000);
    try {
      await eventually(async () => (await cache.get("email"))?.outage, false);
      // Once LISTEN has taken effect (it drops what was read before it), the rows stay in memory.
      await listening(db);
      expect((await cache.get("email"))?.outage).toBe(false);
      await db.update(downstreamSettings).set({ outage: true }).where(eq(downstreamSettings.service, "email"));
      await eventually(async () => (await cache.get("email"))?.outage, true);
      await db.update(downstreamSettings).set({ outage: false, baseLatencyMs: 7 }).where(eq(downstreamSettings.service, "email"));
      await eventually(async () => (await cache.get("email"))?.baseLatencyMs, 7);
      expect((await cache.get("email"))?.outage).toBe(false);
    } finally {
      await cache.stop();
    }
  });

  it("reads every service's row", async () => {
    const { db, url } = svc();
    const cache = createSettingsCache(db, url);
    try {
      for (const service of ["payment", "fraud", "risk", "invoicing", "email", "carrier"] as const) expect((await cache.get(service))?.service).toBe(service);
    } finally {
      await cache.stop();
    }
  });
});
