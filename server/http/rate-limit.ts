import "server-only";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { env } from "@/server/env";
import { rateLimited } from "@/server/errors";

/**
 * Per-shopper request budget for the REST API, per web process (see
 * docs/decisions/004-rate-limiting.md for why in-memory is enough here).
 */
const globalForLimiter = globalThis as unknown as { conveyorLimiter?: RateLimiterMemory };

function limiter(): RateLimiterMemory {
  globalForLimiter.conveyorLimiter ??= new RateLimiterMemory({ points: env().RATE_LIMIT_PER_MINUTE, duration: 60 });
  return globalForLimiter.conveyorLimiter;
}

export async function enforceRateLimit(subject: string): Promise<void> {
  try {
    await limiter().consume(subject);
  } catch (err) {
    if (err instanceof RateLimiterRes) throw rateLimited(Math.max(1, Math.ceil(err.msBeforeNext / 1000)));
    throw err;
  }
}
