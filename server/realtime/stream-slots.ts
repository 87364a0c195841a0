import "server-only";
import type { Env } from "@/server/env";
import { AppError } from "@/server/errors";

export type StreamLimits = { perShopper: number; perAddress: number; perProcess: number };

/** Which cap refused a stream. */
export type StreamScope = "shopper" | "address" | "process";

/** Retry-After of a refused stream: a slot frees when any stream ends, which no clock predicts. */
export const STREAM_RETRY_AFTER_SECONDS = 10;

/**
 * Open event streams, counted per shopper, per client address and per process. An open
 * stream holds a socket, a hub subscription and a place in the heartbeat tick for as long
 * as the client wants, so each is a slot taken before the stream opens and given back when
 * it closes, however it closes (docs/decisions/021-sse-stream-cost.md).
 */
export class StreamSlots {
  private total = 0;
  private readonly byShopper = new Map<string, number>();
  private readonly byAddress = new Map<string, number>();

  constructor(private readonly limits: StreamLimits) {}

  /** Takes a slot, or names the cap that is full. `release` gives it back; calling it again does nothing. */
  take(shopperId: string, address: string): { release: () => void } | { full: StreamScope; limit: number } {
    if (this.total >= this.limits.perProcess) return { full: "process", limit: this.limits.perProcess };
    if ((this.byShopper.get(shopperId) ?? 0) >= this.limits.perShopper) return { full: "shopper", limit: this.limits.perShopper };
    if ((this.byAddress.get(address) ?? 0) >= this.limits.perAddress) return { full: "address", limit: this.limits.perAddress };
    this.total++;
    increment(this.byShopper, shopperId);
    increment(this.byAddress, address);
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        this.total--;
        decrement(this.byShopper, shopperId);
        decrement(this.byAddress, address);
      },
    };
  }

  get open(): number {
    return this.total;
  }
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function decrement(counts: Map<string, number>, key: string): void {
  const left = (counts.get(key) ?? 1) - 1;
  if (left === 0) counts.delete(key);
  else counts.set(key, left);
}

const MESSAGES: Record<StreamScope, string> = {
  shopper: "This shopper has too many event streams open",
  address: "Too many event streams are open from this address",
  process: "The server has too many event streams open",
};

/** The process's slots, from its configuration (SSE_MAX_STREAMS*). */
export function streamSlotsFor(config: Pick<Env, "SSE_MAX_STREAMS_PER_SHOPPER" | "SSE_MAX_STREAMS_PER_ADDRESS" | "SSE_MAX_STREAMS">): StreamSlots {
  return new StreamSlots({
    perShopper: config.SSE_MAX_STREAMS_PER_SHOPPER,
    perAddress: config.SSE_MAX_STREAMS_PER_ADDRESS,
    perProcess: config.SSE_MAX_STREAMS,
  });
}

export function takeStreamSlot(slots: StreamSlots, shopperId: string, address: string): () => void {
  const slot = slots.take(shopperId, address);
  if ("release" in slot) return slot.release;
  return refuse(slot.full, slot.limit);
}

function refuse(scope: StreamScope, limit: number): never {
  throw new AppError(429, "rate_limited", `${MESSAGES[scope]} (at most ${limit}); close one or retry after ${STREAM_RETRY_AFTER_SECONDS} s.`, { limit: `streams_per_${scope}`, max: limit }, {
    "Retry-After": String(STREAM_RETRY_AFTER_SECONDS),
  });
}
