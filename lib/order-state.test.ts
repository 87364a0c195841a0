import { describe, expect, it } from "vitest";
import {
  allowedPrevious,
  awaitsReview,
  canTransition,
  FINAL_STATUSES,
  isFinalStatus,
  isNotifiable,
  mustReturnMoney,
  ORDER_STATUSES,
  ORDER_TRANSITIONS,
  PAYMENT_FACT_FROM,
  PAYMENT_STATES,
  readyToFulfil,
  STOCK_FACT_FROM,
  STOCK_STATES,
  type OrderStatus,
  type PaymentState,
  type StockState,
} from "./order-state";

/** The happy path's order; anything may fail or cancel, but nothing goes back up this list. */
const PROGRESS = ["pending", "payment_processing", "in_review", "payment_confirmed", "backordered", "confirmed", "shipped"] as const;

describe("final statuses", () => {
  it("are derived from the transitions: exactly the statuses with no way out", () => {
    expect([...FINAL_STATUSES].sort()).toEqual(["cancelled", "payment_failed", "rejected", "shipped"]);
    for (const status of ORDER_STATUSES) expect(isFinalStatus(status), status).toBe(ORDER_TRANSITIONS[status].length === 0);
  });
});

describe("status transitions", () => {
  it("never leaves a final status", () => {
    for (const from of FINAL_STATUSES) for (const to of ORDER_STATUSES) expect(canTransition(from, to)).toBe(false);
  });

  it("never moves backwards along the pipeline", () => {
    PROGRESS.forEach((from, i) => PROGRESS.slice(0, i + 1).forEach((to) => expect(canTransition(from, to), `${from} → ${to}`).toBe(false)));
  });

  it("walks the happy path and the back-order branch", () => {
    expect(canTransition("pending", "payment_processing")).toBe(true);
    expect(canTransition("payment_processing", "payment_confirmed")).toBe(true);
    expect(canTransition("payment_confirmed", "confirmed")).toBe(true);
    expect(canTransition("confirmed", "shipped")).toBe(true);
    expect(canTransition("payment_processing", "backordered")).toBe(true);
    expect(canTransition("backordered", "confirmed")).toBe(true);
  });

  it("allows cancelling anything not yet shipped or failed", () => {
    expect(allowedPrevious("cancelled").sort()).toEqual(["backordered", "confirmed", "in_review", "payment_confirmed", "payment_processing", "pending"]);
  });

  it("manual review: a held payment is approved (paid) or rejected; a back-order under review never returns to in_review", () => {
    expect(canTransition("payment_processing", "in_review")).toBe(true);
    expect(canTransition("in_review", "payment_confirmed")).toBe(true);
    expect(canTransition("in_review", "rejected")).toBe(true);
    expect(canTransition("in_review", "backordered")).toBe(true);
    expect(canTransition("backordered", "in_review")).toBe(false);
    expect(canTransition("in_review", "payment_failed")).toBe(false);
  });

  it("lets a paid order be neither declined nor rejected later", () => {
    expect(canTransition("payment_confirmed", "payment_failed")).toBe(false);
    expect(canTransition("payment_confirmed", "rejected")).toBe(false);
    expect(canTransition("confirmed", "payment_failed")).toBe(false);
  });
});

describe("branch facts", () => {
  it("nothing moves a fact back to none, and no fact follows itself", () => {
    expect(PAYMENT_FACT_FROM.none).toEqual([]);
    expect(STOCK_FACT_FROM.none).toEqual([]);
    for (const to of PAYMENT_STATES) expect(PAYMENT_FACT_FROM[to]).not.toContain(to);
    for (const to of STOCK_STATES) expect(STOCK_FACT_FROM[to]).not.toContain(to);
  });

  it("a refused or flagged charge may still complete (the provider took the money after all), nothing else leaves a verdict", () => {
    expect(PAYMENT_FACT_FROM.completed).toEqual(["none", "processing", "held", "failed", "flagged"]);
    expect(PAYMENT_FACT_FROM.held).toEqual(["none", "processing"]);
    expect(PAYMENT_FACT_FROM.failed).toEqual(["none", "processing"]);
  });

  it("stock: a back-order is later reserved, and both are released by compensation", () => {
    expect(STOCK_FACT_FROM.reserved).toEqual(["none", "backordered"]);
    expect(STOCK_FACT_FROM.backordered).toEqual(["none"]);
    expect(STOCK_FACT_FROM.released).toEqual(["reserved", "backordered"]);
  });
});

describe("the join (readyToFulfil)", () => {
  const cases: [OrderStatus, PaymentState, StockState, boolean][] = [
    ["payment_confirmed", "completed", "reserved", true],
    ["backordered", "completed", "reserved", true],
    ["payment_confirmed", "completed", "none", false],
    ["backordered", "completed", "backordered", false],
    ["payment_processing", "processing", "reserved", false],
    ["in_review", "held", "reserved", false],
    ["confirmed", "completed", "reserved", false],
    ["cancelled", "completed", "reserved", false],
  ];
  it.each(cases)("%s, payment %s, stock %s → %s", (status, paymentState, stockState, ready) => {
    expect(readyToFulfil({ status, paymentState, stockState })).toBe(ready);
  });
});

describe("manual review (awaitsReview)", () => {
  it("a held payment awaits a person until the order ends", () => {
    expect(awaitsReview({ status: "in_review", paymentState: "held" })).toBe(true);
    expect(awaitsReview({ status: "backordered", paymentState: "held" })).toBe(true);
    expect(awaitsReview({ status: "cancelled", paymentState: "held" })).toBe(false);
    expect(awaitsReview({ status: "payment_confirmed", paymentState: "completed" })).toBe(false);
  });
});

describe("the money rule (mustReturnMoney)", () => {
  const cases: [OrderStatus, PaymentState, boolean][] = [
    // Ends that do not ship, with money the provider may hold: reversed.
    ["cancelled", "completed", true],
    ["cancelled", "held", true],
    ["cancelled", "processing", true],
    ["rejected", "held", true],
    ["payment_failed", "completed", true],
    // Ends that do not ship, with no money held: nothing to return.
    ["cancelled", "none", false],
    ["payment_failed", "failed", false],
    ["rejected", "flagged", false],
    // A shipped order keeps its total; an order still under way keeps its money for now.
    ["shipped", "completed", false],
    ["confirmed", "completed", false],
    ["in_review", "held", false],
    ["backordered", "completed", false],
  ];
  it.each(cases)("%s with payment %s → %s", (status, paymentState, reverse) => {
    expect(mustReturnMoney({ status, paymentState })).toBe(reverse);
  });
});

describe("notifiable statuses", () => {
  it("a back-order and every end that does not ship notify someone; nothing else does", () => {
    expect(ORDER_STATUSES.filter(isNotifiable).sort()).toEqual(["backordered", "cancelled", "payment_failed", "rejected"]);
  });
});
