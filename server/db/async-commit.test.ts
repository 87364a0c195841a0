import { describe, expect, it } from "vitest";
import { useServiceDatabase } from "@/tests/support/service-database";
import { createDatabase } from "./client";

const svc = useServiceDatabase();

/** Decision 048: only a pool opened with asyncCommit skips the WAL flush wait; every other pool keeps it. */
describe("createDatabase's asyncCommit", () => {
  it("sets synchronous_commit off on every connection of that pool, and leaves other pools at the server's setting", async () => {
    const { url } = svc();
    const simulators = createDatabase(url, 2, { asyncCommit: true });
    const app = createDatabase(url, 2);
    try {
      // Two connections at once, so the setting is seen to hold for each, not just the first.
      const setting = "SELECT pg_sleep(0.05), setting, source FROM pg_settings WHERE name = 'synchronous_commit'";
      const both = await Promise.all([1, 2].map(() => simulators.pool.query<{ setting: string; source: string }>(setting)));
      expect(both.map((r) => [r.rows[0]!.setting, r.rows[0]!.source])).toEqual([["off", "client"], ["off", "client"]]);
      // The app's pool asks for nothing: whatever the server is configured with (on, by default).
      const own = await app.pool.query<{ setting: string; source: string }>(setting);
      expect(own.rows[0]!.source).not.toBe("client");
    } finally {
      await simulators.pool.end();
      await app.pool.end();
    }
  });
});
