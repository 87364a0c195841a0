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
    if (isBudgetSpent(err)) throw rateLimited(Math.max(1, Math.ceil(err.msBeforeNext / 1000)));
    throw err;
  }
}

/**
 * The limiter rejects with a RateLimiterRes when the budget is spent. Not `instanceof` alone:
 * the limiter lives on globalThis and whichever module graph made it first (the native routes'
 * or Next's bundle, decision 022) has its own copy of the class.
 */
function isBudgetSpent(err: unknown): err is Pick<RateLimiterRes, "msBeforeNext"> {
  return err instanceof RateLimiterRes || (typeof err === "object" && err !== null && !(err instanceof Error) && typeof (err as { msBeforeNext?: unknown }).msBeforeNext === "number");
}
