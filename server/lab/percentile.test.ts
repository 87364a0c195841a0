import { describe, expect, it } from "vitest";
import { percentile, summarize } from "./percentile";

describe("percentile", () => {
  it("uses the nearest rank", () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(summarize(samples)).toEqual({ p50: 50, p95: 95, p99: 99 });
    expect(percentile([5, 1, 3], 50)).toBe(3);
    expect(percentile([7], 99)).toBe(7);
  });

  it("is 0 without samples", () => {
    expect(percentile([], 99)).toBe(0);
  });
});
