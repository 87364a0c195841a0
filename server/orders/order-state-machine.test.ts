import { describe, expect, it } from "vitest";
import { FINAL_STATUSES, ORDER_STATUSES } from "@/lib/order-status";
import { allowedPrevious, canTransition } from "./order-state-machine";

/** The happy path's order; anything may fail or cancel, but nothing goes back up this list. */
const PROGRESS = ["pending", "payment_processing", "in_review", "payment_confirmed", "backordered", "confirmed", "shipped"] as const;

describe("order state machine", () => {
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
