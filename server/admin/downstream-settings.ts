import "server-only";
import { asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/server/db/client";
import { DOWNSTREAM_SERVICES, downstreamSettings, type DownstreamSettings } from "@/server/db/schema";
import { notFound } from "@/server/errors";

export const downstreamUpdateSchema = z.object({
  service: z.enum(DOWNSTREAM_SERVICES),
  baseLatencyMs: z.number().int().min(0).max(60_000),
  jitterMs: z.number().int().min(0).max(60_000),
  /** A spike of +spikeLatencyMs for spikeSeconds from now (0 seconds ends a running spike). */
  spikeLatencyMs: z.number().int().min(0).max(60_000),
  spikeSeconds: z.number().int().min(0).max(3600),
  failureRatePercent: z.number().min(0).max(100),
  outage: z.boolean(),
  capacity: z.number().int().min(0).max(10_000),
});

export type DownstreamUpdate = z.infer<typeof downstreamUpdateSchema>;

export async function listDownstreamSettings(db: Database): Promise<DownstreamSettings[]> {
  const rows = await db.select().from(downstreamSettings).orderBy(asc(downstreamSettings.service));
  return DOWNSTREAM_SERVICES.map((s) => rows.find((r) => r.service === s)).filter((r): r is DownstreamSettings => r !== undefined);
}

/**
 * Saves one simulated service's behaviour. The simulators read their row on every call, so
 * the next request to that service, from any process, behaves this way.
 */
export async function updateDownstreamSettings(db: Database, input: DownstreamUpdate): Promise<DownstreamSettings> {
  const update = downstreamUpdateSchema.parse(input);
  const [row] = await db
    .update(downstreamSettings)
    .set({
      baseLatencyMs: update.baseLatencyMs,
      jitterMs: update.jitterMs,
      spikeLatencyMs: update.spikeLatencyMs,
      spikeUntil: update.spikeSeconds > 0 ? sql`now() + make_interval(secs => ${update.spikeSeconds})` : null,
      failureRate: update.failureRatePercent / 100,
      outage: update.outage,
      capacity: update.capacity,
      updatedAt: sql`now()`,
    })
    .where(eq(downstreamSettings.service, update.service))
    .returning();
  if (!row) throw notFound(`No service ${update.service}.`);
  return row;
}
