import pg from "pg";
import type { Database } from "@/server/db/client";
import { downstreamSettings, type DownstreamService, type DownstreamSettings } from "@/server/db/schema";

/** Even with no notification at all (LISTEN connection down), a change applies within this. */
const MAX_AGE_MS = 1000;
const RECONNECT_MS = 1000;

export type SettingsCache = { get(service: DownstreamService): Promise<DownstreamSettings | undefined>; stop(): Promise<void> };

/**
 * The simulated services' settings, kept in memory by the simulator process instead of one
 * SELECT per simulated call (seven per order). The admin's promise (decision 007: a change
 * applies to every call at once) holds through `downstream_settings` NOTIFYs from
 * a trigger on the table (migration 0007, decision 024): a notification drops the cache, the next call
 * reloads all six rows in one query. The cache is also never older than a second, so a lost
 * LISTEN connection delays a change by at most that long rather than forever.
 */
export function createSettingsCache(db: Database, url: string, maxAgeMs = MAX_AGE_MS): SettingsCache {
  let loaded: { at: number; rows: Promise<Map<DownstreamService, DownstreamSettings>> } | undefined;
  let listener: pg.Client | undefined;
  let stopped = false;

  const invalidate = () => {
    loaded = undefined;
  };
  const listen = async () => {
    if (stopped) return;
    const client = new pg.Client({ connectionString: url, application_name: "conveyor-simulators-listen" });
    client.on("notification", invalidate);
    client.on("error", () => {
      // Changes made while we were not listening would go unnoticed: forget what we have.
      invalidate();
      void client.end().catch(() => {});
      if (listener === client) listener = undefined;
      setTimeout(() => void listen(), RECONNECT_MS).unref();
    });
    try {
      await client.connect();
      await client.query("LISTEN downstream_settings");
      listener = client;
      invalidate(); // anything read before LISTEN took effect may be stale
    } catch {
      client.emit("error", new Error("LISTEN failed"));
    }
  };
  void listen();

  const load = () => {
    const rows = db
      .select()
      .from(downstreamSettings)
      .then((list) => new Map(list.map((row) => [row.service, row])));
    const entry = { at: Date.now(), rows };
    loaded = entry;
    // A failed read is not cached: the next call asks again.
    rows.catch(() => {
      if (loaded === entry) loaded = undefined;
    });
    return rows;
  };

  return {
    async get(service) {
      const fresh = loaded && Date.now() - loaded.at < maxAgeMs ? loaded.rows : load();
      return (await fresh).get(service);
    },
    async stop() {
      stopped = true;
      await listener?.end().catch(() => {});
    },
  };
}
