import "server-only";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { Env } from "@/server/env";
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
 * limiter's rejection is told apart from a failure inside the budget that made it by the
 * RateLimiterRes class of the same package instance that threw it.
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

function refusal(refillsInMs: number | null): void {
  if (refillsInMs !== null) throw rateLimited(retryAfterSeconds(refillsInMs));
}

type LimitSettings = Pick<
  Env,
  "RATE_LIMIT_PER_MINUTE" | "WEBHOOK_RATE_LIMIT_PER_MINUTE" | "WEBHOOK_FAILED_SIGNATURES_PER_MINUTE" | "GUEST_SESSIONS_PER_ADDRESS" | "BEACON_RATE_LIMIT_PER_MINUTE"
>;

/** New guests per client address are counted over this window. */
export const GUEST_WINDOW_SECONDS = 10 * 60;

/**
 * The process's budgets (a process service: server/process-services.ts), built once from its
 * configuration. REST, tRPC, the streams and the webhook all draw on this one instance.
 */
export class RateLimits {
  private readonly requestBudget: Budget;
  private readonly webhookBudget: Budget;
  private readonly failedSignatureBudget: Budget;
  private readonly beaconBudget: Budget;
  /** Guest sessions started per client address (start-guest-session.ts). */
  readonly guests: Budget;

  constructor(config: LimitSettings) {
    this.requestBudget = createBudget(config.RATE_LIMIT_PER_MINUTE, 60);
    this.webhookBudget = createBudget(config.WEBHOOK_RATE_LIMIT_PER_MINUTE, 60);
    this.failedSignatureBudget = createBudget(config.WEBHOOK_FAILED_SIGNATURES_PER_MINUTE, 60);
    this.guests = createBudget(config.GUEST_SESSIONS_PER_ADDRESS, GUEST_WINDOW_SECONDS);
    this.beaconBudget = createBudget(config.BEACON_RATE_LIMIT_PER_MINUTE, 60);
  }

  /**
   * The API's request budget (REST and tRPC share it, decision 013): `RATE_LIMIT_PER_MINUTE`
   * per shopper, or per client address for calls without credentials (`addressSubject`).
   * 429 with Retry-After when it is spent.
   */
  async spendRequest(subject: string): Promise<void> {
    refusal(await this.requestBudget.spend(subject));
  }

  /**
   * The payment webhook's budgets per client address: every request spends from a generous
   * one; a failed signature also spends from a strict one, and once that is empty the
   * address is refused before its body is read.
   */
  async admitWebhook(address: string): Promise<void> {
    refusal(await this.webhookBudget.spend(address));
    refusal(await this.failedSignatureBudget.exhausted(address));
  }

  /**
   * The shop's beacons (POST /api/beacons, decision 035): a budget of their own per client
   * address, apart from the API's, so a page's reports never eat the shopper's requests.
   */
  async admitBeacon(address: string): Promise<void> {
    refusal(await this.beaconBudget.spend(address));
  }

  async failedWebhookSignature(address: string): Promise<void> {
    await this.failedSignatureBudget.spend(address);
  }
}

/** The request budget's subject for a caller known only by address (keys never collide with `usr_…`). */
export const addressSubject = (address: string) => `address:${address}`;
