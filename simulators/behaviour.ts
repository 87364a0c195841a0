import { setTimeout as sleep } from "node:timers/promises";
import type { DownstreamService } from "@/server/db/schema";
import { ServiceCapacity } from "./capacity";
import type { SettingsCache } from "./settings-cache";

export class SimulatedFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const capacities = new Map<DownstreamService, ServiceCapacity>();

/**
 * Makes a simulated service behave as its settings row says (from the settings cache, which
 * a change in the admin invalidates at once): outages, a capacity (requests served at once;
 * the rest queue), latency (base + jitter + an optional spike) and random failures.
 */
export async function behaveAs(settingsCache: SettingsCache, service: DownstreamService): Promise<void> {
  const settings = await settingsCache.get(service);
  if (!settings) return;
  if (settings.outage) throw new SimulatedFailure(503, `${service} is in an outage`);
  let capacity = capacities.get(service);
  if (!capacity) capacities.set(service, (capacity = new ServiceCapacity()));
  const release = await capacity.acquire(settings.capacity);
  try {
    const spiking = settings.spikeUntil !== null && settings.spikeUntil.getTime() > Date.now();
    const latency = settings.baseLatencyMs + Math.random() * settings.jitterMs + (spiking ? settings.spikeLatencyMs : 0);
    if (latency > 0) await sleep(latency);
  } finally {
    release();
  }
  if (Math.random() < settings.failureRate) throw new SimulatedFailure(500, `${service} failed (injected failure)`);
}
