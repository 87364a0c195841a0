import { describe, expect, it } from "vitest";
import { loadEnv } from "@/server/env";
import { nextAttemptDelay } from "./next-attempt-delay";
import { parseRetryAfter } from "./post-to-endpoint";

const SCHEDULE = loadEnv({}).WEBHOOK_RETRY_SCHEDULE;

describe("the retry schedule", () => {
  it("defaults to about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then gives up", () => {
    expect(SCHEDULE).toEqual([5, 300, 1800, 7200, 18_000, 36_000, 36_000]);
    expect(SCHEDULE.map((_, i) => nextAttemptDelay(SCHEDULE, i + 1, { statusCode: 500 }, () => 0.5))).toEqual(SCHEDULE);
    expect(nextAttemptDelay(SCHEDULE, 8, { statusCode: 500 })).toBeUndefined();
    expect(loadEnv({ WEBHOOK_RETRY_SCHEDULE: "1s, 2m,1.5h" }).WEBHOOK_RETRY_SCHEDULE).toEqual([1, 120, 5400]);
    expect(() => loadEnv({ WEBHOOK_RETRY_SCHEDULE: "5 minutes" })).toThrow(/WEBHOOK_RETRY_SCHEDULE/);
  });

  it("jitters each delay within ±20 %", () => {
    expect(nextAttemptDelay(SCHEDULE, 2, { statusCode: 500 }, () => 0)).toBeCloseTo(240);
    expect(nextAttemptDelay(SCHEDULE, 2, { statusCode: 500 }, () => 1)).toBeCloseTo(360);
  });

  it("waits out a longer Retry-After on 429 and 503 only, up to the longest delay", () => {
    const mid = () => 0.5;
    expect(nextAttemptDelay(SCHEDULE, 1, { statusCode: 429, retryAfterSeconds: 120 }, mid)).toBe(120);
    expect(nextAttemptDelay(SCHEDULE, 1, { statusCode: 503, retryAfterSeconds: 1 }, mid)).toBe(5);
    expect(nextAttemptDelay(SCHEDULE, 1, { statusCode: 500, retryAfterSeconds: 120 }, mid)).toBe(5);
    expect(nextAttemptDelay(SCHEDULE, 1, { statusCode: 429, retryAfterSeconds: 10 ** 7 }, mid)).toBe(36_000);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-04-13T14:32:00Z");
    expect(parseRetryAfter("120", now)).toBe(120);
    expect(parseRetryAfter("Mon, 13 Apr 2026 14:33:00 GMT", now)).toBe(60);
    expect(parseRetryAfter("Mon, 13 Apr 2026 14:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
