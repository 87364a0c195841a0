import "server-only";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { env } from "@/server/env";
import { rateLimited } from "@/server/errors";

/**
 * In-memory budgets per web process (see docs/decisions/004-rate-limiting.md for why
 * in-memory is enough here): the API's request budget per shopper or address, the payment
 * webhook's per address, and the per-address budgets of sign-in and guest sessions
 * (docs/decisions/026-lazy-guests-and-sign-in-limits.md).
 */
export type Budget = {
  /** Spends one unit of `subject`'s budget: null if it was there, else ms until it refills. */
  spend(subject: string): Promise<number | null>;
  /** Gives one spent unit back (an attempt that turned out not to count). */
  refund(subject: string): Promise<void>;
  /** Null while `subject` has some budget left, else ms until it refills; spends nothing. */
  exhausted(subject: string): Promise<number | null>;
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
    async exhausted(subject) {
      const state = await limiter.get(subject);
      return state && state.consumedPoints >= points ? state.msBeforeNext : null;
    },
  };
}

/** Whole seconds a client should wait, at least 1, for a `Retry-After` header. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/**
 * The per-minute budgets of the process, by name, on globalThis: both module graphs of the
 * web process must draw on the same budgets.
 */
const globalForBudgets = globalThis as unknown as { conveyorBudgets?: Map<string, Budget> };

function budget(name: string, perMinute: number): Budget {
  const budgets = (globalForBudgets.conveyorBudgets ??= new Map());
  let found = budgets.get(name);
  if (!found) budgets.set(name, (found = createBudget(perMinute, 60)));
  return found;
}

function refusal(refillsInMs: number | null): void {
  if (refillsInMs !== null) throw rateLimited(retryAfterSeconds(refillsInMs));
}

/**
 * The API's request budget (REST and tRPC share it, decision 013): `RATE_LIMIT_PER_MINUTE`
 * per shopper, or per client address for calls without credentials (`addressSubject`).
 * 429 with Retry-After when it is spent.
 */
export async function enforceRateLimit(subject: string): Promise<void> {
  refusal(await budget("requests", env().RATE_LIMIT_PER_MINUTE).spend(subject));
}

/** The request budget's subject for a caller known only by address (keys never collide with `usr_…`). */
export const addressSubject = (address: string) => `address:${address}`;

/**
 * The payment webhook's budgets per client address: every request spends from a generous
 * one; a failed signature also spends from a strict one, and once that is empty the address
 * is refused before its body is read.
 */
export const webhookBudget = {
  async admit(address: string): Promise<void> {
    const config = env();
    refusal(await budget("webhook", config.WEBHOOK_RATE_LIMIT_PER_MINUTE).spend(address));
    refusal(await budget("webhook-failed-signature", config.WEBHOOK_FAILED_SIGNATURES_PER_MINUTE).exhausted(address));
  },
  async failedSignature(address: string): Promise<void> {
    await budget("webhook-failed-signature", env().WEBHOOK_FAILED_SIGNATURES_PER_MINUTE).spend(address);
  },
};
