import "server-only";
import type { Database } from "@/server/db/client";
import { shopperMeasurements } from "@/server/db/schema";
import type { Beacon } from "@/lib/beacon-shape";

/** Stores a validated beacon's measurements, one row each, in one INSERT (decision 035). */
export async function recordBeacon(db: Database, beacon: Beacon): Promise<void> {
  await db.insert(shopperMeasurements).values(
    beacon.measurements.map((m) => ({ page: beacon.page, metric: m.metric, transport: m.transport ?? null, valueMs: m.value_ms })),
  );
}
