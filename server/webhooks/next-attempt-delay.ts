import "server-only";

/** Each scheduled delay is drawn within ±20 % so retries of many messages do not arrive together. */
const JITTER = 0.2;

/**
 * Seconds until the next attempt after failed attempt number `attemptsMade` (1 = the first),
 * or undefined when the schedule is spent and the message is failed. A Retry-After (429, 503)
 * longer than the scheduled delay is waited out instead, up to the schedule's longest delay.
 */
export function nextAttemptDelay(
  schedule: readonly number[],
  attemptsMade: number,
  failure: { statusCode?: number; retryAfterSeconds?: number },
  random: () => number = Math.random,
): number | undefined {
  const scheduled = schedule[attemptsMade - 1];
  if (scheduled === undefined) return undefined;
  const jittered = scheduled * (1 - JITTER + 2 * JITTER * random());
  const honoursRetryAfter = failure.statusCode === 429 || failure.statusCode === 503;
  if (honoursRetryAfter && failure.retryAfterSeconds !== undefined && failure.retryAfterSeconds > jittered) {
    return Math.min(failure.retryAfterSeconds, Math.max(...schedule));
  }
  return jittered;
}
