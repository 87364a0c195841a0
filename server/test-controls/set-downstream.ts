import "server-only";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { updateDownstreamSettings } from "@/server/admin/downstream-settings";
import type { Database } from "@/server/db/client";
import { DOWNSTREAM_SERVICES, downstreamSettings, type DownstreamService, type DownstreamSettings } from "@/server/db/schema";
import { notFound } from "@/server/errors";
import { json } from "@/server/http/api-response";
import { readJsonBody } from "@/server/http/read-json-body";
import { parseInput, type TestControl } from "./test-control";

const changeSchema = z
  .object({
    /** Base latency of every call, in ms (the service's jitter, a few ms by default, comes on top). */
    latency_ms: z.number().int().min(0).max(60_000).optional(),
    /** Share of calls that fail with a 500, 0 to 1. */
    failure_rate: z.number().min(0).max(1).optional(),
    /** Every call fails with a 503 while true. */
    outage: z.boolean().optional(),
  })
  .strict();

export type DownstreamChange = z.infer<typeof changeSchema>;

/** The settings in force, as the control answers them. */
export type DownstreamView = { service: DownstreamService; latency_ms: number; jitter_ms: number; failure_rate: number; outage: boolean; capacity: number };

/**
 * Changes what the control names of one simulated service, through the same service as the
 * admin's /admin/services form; every other setting (jitter, capacity, a spike still running)
 * stays as it is.
 */
export async function setDownstream(db: Database, service: DownstreamService, change: DownstreamChange): Promise<DownstreamView> {
  const [current] = await db.select().from(downstreamSettings).where(eq(downstreamSettings.service, service));
  if (!current) throw notFound(`No service ${service}.`);
  const spikeMsLeft = current.spikeUntil ? current.spikeUntil.getTime() - Date.now() : 0;
  const saved = await updateDownstreamSettings(db, {
    service,
    baseLatencyMs: change.latency_ms ?? current.baseLatencyMs,
    jitterMs: current.jitterMs,
    spikeLatencyMs: current.spikeLatencyMs,
    spikeSeconds: Math.max(0, Math.ceil(spikeMsLeft / 1000)),
    failureRatePercent: (change.failure_rate ?? current.failureRate) * 100,
    outage: change.outage ?? current.outage,
    capacity: current.capacity,
  });
  return view(saved);
}

function view(row: DownstreamSettings): DownstreamView {
  return { service: row.service, latency_ms: row.baseLatencyMs, jitter_ms: row.jitterMs, failure_rate: row.failureRate, outage: row.outage, capacity: row.capacity };
}

/** PUT /api/test/downstream/{service} `{ latency_ms?, failure_rate?, outage? }` → 200 with the settings in force. */
export const setDownstreamControl: TestControl = {
  method: "PUT",
  path: ["downstream", ":service"],
  async serve(request, params, services) {
    const service = DOWNSTREAM_SERVICES.find((s) => s === params.service);
    if (!service) throw notFound(`No simulated service ${params.service}; there are ${DOWNSTREAM_SERVICES.join(", ")}.`);
    const change = parseInput(changeSchema, await readJsonBody(request), "The body");
    return json(200, await setDownstream(services.db, service, change));
  },
};
