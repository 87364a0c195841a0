import { describe, expect, it } from "vitest";
import { ServiceCapacity } from "./capacity";

describe("ServiceCapacity", () => {
  it("serves at most `limit` at once and lets the rest in, in arrival order, as slots free up", async () => {
    const capacity = new ServiceCapacity();
    const order: number[] = [];
    const releases = await Promise.all([capacity.acquire(2), capacity.acquire(2)]);
    const waiting = [3, 4].map((n) => capacity.acquire(2).then((release) => (order.push(n), release)));
    await Promise.resolve();
    expect(order).toEqual([]);
    releases[0]!();
    const third = await waiting[0]!;
    expect(order).toEqual([3]);
    releases[1]!();
    const fourth = await waiting[1]!;
    expect(order).toEqual([3, 4]);
    third();
    fourth();
  });

  it("is unlimited at 0, and releasing twice frees one slot only", async () => {
    const capacity = new ServiceCapacity();
    const many = await Promise.all(Array.from({ length: 50 }, () => capacity.acquire(0)));
    expect(many).toHaveLength(50);
    many.forEach((release) => release());
    const one = await capacity.acquire(1);
    let entered = false;
    const next = capacity.acquire(1).then((release) => ((entered = true), release));
    one();
    one();
    (await next)();
    expect(entered).toBe(true);
  });
});
