import "server-only";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { env } from "@/server/env";
import { rateLimited } from "@/server/errors";

/**
 * Per-shopper request budget for the REST API, per web process (see
 * docs/decisions/004-rate-limiting.md for why in-memory is enough here).
 */
type RequestBudget = {
  /** Spends one request of `subject`'s budget: null if it was there, else ms until it refills. */
  spend(subject: string): Promise<number | null>;
};

/**
 * One budget per process, on globalThis: the web process loads this module twice (Next's
 * bundle and the native routes, decision 022), and both must draw on the same budget. The
 * limiter's rejection is told apart from a failure inside the budget that made it, with that
 * graph's own RateLimiterRes class, so it works whichever graph asks.
 */
const globalForBudget = globalThis as unknown as { conveyorRequestBudget?: RequestBudget };

function requestBudget(): RequestBudget {
  globalForBudget.conveyorRequestBudget ??= createRequestBudget(env().RATE_LIMIT_PER_MINUTE);
  return globalForBudget.conveyorRequestBudget;
}

function createRequestBudget(perMinute: number): RequestBudget {
  const limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });
  return {
    async spend(subject) {
      try {
        await limiter.consume(subject);
        return null;
      } catch (err) {
        if (err instanceof RateLimiterRes) return err.msBeforeNext;
        throw err;
      }
    },
  };
}

export async function enforceRateLimit(subject: string): Promise<void> {
  const refillsInMs = await requestBudget().spend(subject);
  if (refillsInMs !== null) throw rateLimited(Math.max(1, Math.ceil(refillsInMs / 1000)));
}
