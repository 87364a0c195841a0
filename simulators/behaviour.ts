import { eq } from "drizzle-orm";
import { setTimeout as sleep } from "node:timers/promises";
import type { Database } from "@/server/db/client";
import { downstreamSettings, type DownstreamService } from "@/server/db/schema";

export class SimulatedFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Makes a simulated service behave as its settings row says, read fresh on every call so
 * a change in the admin lab applies at once to every process: latency (base + jitter +
 * an optional spike), random failures, and outages.
 */
export async function behaveAs(db: Database, service: DownstreamService): Promise<void> {
  const [settings] = await db.select().from(downstreamSettings).where(eq(downstreamSettings.service, service));
  if (!settings) return;
  if (settings.outage) throw new SimulatedFailure(503, `${service} is in an outage`);
  const spiking = settings.spikeUntil !== null && settings.spikeUntil.getTime() > Date.now();
  const latency = settings.baseLatencyMs + Math.random() * settings.jitterMs + (spiking ? settings.spikeLatencyMs : 0);
  if (latency > 0) await sleep(latency);
  if (Math.random() < settings.failureRate) throw new SimulatedFailure(500, `${service} failed (injected failure)`);
}
