import "server-only";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { env } from "@/server/env";
import { rateLimited } from "@/server/errors";

/**
 * Requests per subject per minute, in memory per web process (see
 * docs/decisions/004-rate-limiting.md for why in-memory is enough here).
 */
type Budget = {
  /** Spends one request of `subject`'s budget: null if it was there, else ms until it refills. */
  spend(subject: string): Promise<number | null>;
  /** Null while `subject` has some budget left, else ms until it refills; spends nothing. */
  exhausted(subject: string): Promise<number | null>;
};

/**
 * The budgets of the process, by name, on globalThis: the web process loads this module twice
 * (Next's bundle and the native routes, decision 022), and both must draw on the same
 * budgets. The limiter's rejection is told apart from a failure inside the budget that made
 * it, with that graph's own RateLimiterRes class, so it works whichever graph asks.
 */
const globalForBudgets = globalThis as unknown as { conveyorBudgets?: Map<string, Budget> };

function budget(name: string, perMinute: number): Budget {
  const budgets = (globalForBudgets.conveyorBudgets ??= new Map());
  let found = budgets.get(name);
  if (!found) budgets.set(name, (found = createBudget(perMinute)));
  return found;
}

function createBudget(perMinute: number): Budget {
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
    async exhausted(subject) {
      const state = await limiter.get(subject);
      return state && state.consumedPoints >= perMinute ? state.msBeforeNext : null;
    },
  };
}

function refusal(refillsInMs: number | null): void {
  if (refillsInMs !== null) throw rateLimited(Math.max(1, Math.ceil(refillsInMs / 1000)));
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
