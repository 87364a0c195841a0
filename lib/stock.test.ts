import { describe, expect, it } from "vitest";
import { stockLevel } from "./stock";

describe("stockLevel", () => {
  it("tells shoppers plainly what they can expect", () => {
    expect(stockLevel(1_000_000).label).toBe("In stock");
    expect(stockLevel(6).kind).toBe("in_stock");
    expect(stockLevel(5).label).toBe("Only 5 left");
    expect(stockLevel(2).label).toBe("Only 2 left");
    expect(stockLevel(0).label).toBe("Back-order — ships when restocked");
  });
});
