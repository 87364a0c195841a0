import { eq } from "drizzle-orm";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { downstreamSettings } from "@/server/db/schema";
import { useServiceDatabase } from "@/tests/support/service-database";
import { createSettingsCache } from "./settings-cache";

const svc = useServiceDatabase();

/** Asks until `read` gives `expected`; the test's own timeout bounds the wait. */
async function eventually<T>(read: () => Promise<T>, expected: T): Promise<void> {
  while ((await read()) !== expected) await sleep(10);
}

describe("simulator settings cache", () => {
  it("sees an admin's change through the table's NOTIFY, with no expiry to fall back on", async () => {
    const { db, url } = svc();
    // An hour: only the notification can make the cache read the row again.
    const cache = createSettingsCache(db, url, 3_600_000);
    try {
      await eventually(async () => (await cache.get("email"))?.outage, false);
      // Give LISTEN its start-up reload, then keep the rows in memory.
      await sleep(200);
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
