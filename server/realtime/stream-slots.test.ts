import { describe, expect, it } from "vitest";
import { StreamSlots } from "./stream-slots";

describe("StreamSlots", () => {
  it("refuses past each cap, names which, and frees a slot on release (once, however often it is called)", () => {
    const slots = new StreamSlots({ perShopper: 2, perAddress: 3, perProcess: 4 });
    const a1 = slots.take("usr_a", "10.0.0.1");
    const a2 = slots.take("usr_a", "10.0.0.1");
    expect(slots.take("usr_a", "10.0.0.2")).toEqual({ full: "shopper", limit: 2 });

    const b1 = slots.take("usr_b", "10.0.0.1");
    expect(slots.take("usr_c", "10.0.0.1")).toEqual({ full: "address", limit: 3 });
    const c1 = slots.take("usr_c", "10.0.0.2");
    expect(slots.open).toBe(4);
    expect(slots.take("usr_d", "10.0.0.3")).toEqual({ full: "process", limit: 4 });

    if (!("release" in a1) || !("release" in a2) || !("release" in b1) || !("release" in c1)) throw new Error("a slot was refused");
    a1.release();
    a1.release();
    expect(slots.open).toBe(3);
    expect("release" in slots.take("usr_a", "10.0.0.1")).toBe(true);
    expect(slots.take("usr_a", "10.0.0.1")).toEqual({ full: "process", limit: 4 });
    for (const slot of [a2, b1, c1]) slot.release();
    expect(slots.open).toBe(1);
  });
});
