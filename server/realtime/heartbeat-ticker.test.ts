import { afterEach, describe, expect, it, vi } from "vitest";
import { HeartbeatTicker } from "./heartbeat-ticker";

describe("HeartbeatTicker", () => {
  afterEach(() => vi.useRealTimers());

  it("beats every joined target from one timer, and stops the timer when the last one leaves", () => {
    vi.useFakeTimers();
    const ticker = new HeartbeatTicker(1000);
    const beats = [0, 0, 0];
    const targets = beats.map((_, i) => ({ heartbeat: () => beats[i]!++ }));
    targets.forEach((t) => ticker.join(t));
    expect(vi.getTimerCount()).toBe(1);

    vi.advanceTimersByTime(2000);
    expect(beats).toEqual([2, 2, 2]);

    ticker.leave(targets[1]!);
    vi.advanceTimersByTime(1000);
    expect(beats).toEqual([3, 2, 3]);

    ticker.leave(targets[0]!);
    ticker.leave(targets[2]!);
    expect(ticker.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);

    ticker.join(targets[0]!);
    vi.advanceTimersByTime(1000);
    expect(beats).toEqual([4, 2, 3]);
  });
});
