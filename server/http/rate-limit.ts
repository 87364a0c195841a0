import "server-only";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { env } from "@/server/env";
import { rateLimited } from "@/server/errors";

/**
 * In-memory budgets per web process (see docs/decisions/004-rate-limiting.md for why
 * in-memory is enough here): the per-shopper request budget of the REST API and tRPC, and
 * the per-address budgets of sign-in and guest sessions (docs/decisions/026-lazy-guests-and-sign-in-limits.md).
 */
export type Budget = {
  /** Spends one unit of `subject`'s budget: null if it was there, else ms until it refills. */
  spend(subject: string): Promise<number | null>;
  /** Gives one spent unit back (an attempt that turned out not to count). */
  refund(subject: string): Promise<void>;
};

/**
 * `points` per `durationSeconds` window, which starts with the subject's first spend. The
 * limiter's rejection is told apart from a failure inside the budget that made it, with that
 * graph's own RateLimiterRes class, so it works whichever module graph asks (the web process
 * loads this module twice: Next's bundle and the native routes, decision 022).
 */
export function createBudget(points: number, durationSeconds: number): Budget {
  const limiter = new RateLimiterMemory({ points, duration: durationSeconds });
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
    async refund(subject) {
      await limiter.reward(subject, 1);
    },
  };
}

/** Whole seconds a client should wait, at least 1, for a `Retry-After` header. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/**
 * One per-shopper request budget per process, on globalThis: both module graphs of the web
 * process must draw on the same budget.
 */
const globalForBudget = globalThis as unknown as { conveyorRequestBudget?: Budget };

function requestBudget(): Budget {
  globalForBudget.conveyorRequestBudget ??= createBudget(env().RATE_LIMIT_PER_MINUTE, 60);
  return globalForBudget.conveyorRequestBudget;
}

export async function enforceRateLimit(subject: string): Promise<void> {
  const refillsInMs = await requestBudget().spend(subject);
  if (refillsInMs !== null) throw rateLimited(retryAfterSeconds(refillsInMs));
}
