import { describe, expect, it } from "vitest";
import { FINAL_STATUSES, ORDER_STATUSES } from "./order-state";
import { applyUpdateToPage, isSameOrLater, mergeOrder, mergeOrderPage, type OrderSnapshot } from "./merge-order";

function order(status: OrderSnapshot["status"], extra: Partial<OrderSnapshot> = {}): OrderSnapshot {
  return {
    order_id: "ord_a",
    status,
    items: [{ sku: "WIDGET-42", name: "Widget", quantity: 2, unit_price: 24.99 }],
    total: 49.98,
    currency: "USD",
    payment_method: "pm_visa_4242",
    created_at: "2026-12-01T10:00:00.000Z",
    updated_at: "2026-12-01T10:00:00.000Z",
    events: [{ id: "evt_1", status: "pending", timestamp: "2026-12-01T10:00:00.000Z" }],
    ...extra,
  };
}

describe("isSameOrLater", () => {
  it("follows the state machine, including the back-order detour", () => {
    expect(isSameOrLater("pending", "shipped")).toBe(true);
    expect(isSameOrLater("payment_confirmed", "backordered")).toBe(true);
    expect(isSameOrLater("backordered", "confirmed")).toBe(true);
    expect(isSameOrLater("confirmed", "payment_processing")).toBe(false);
    expect(isSameOrLater("backordered", "payment_confirmed")).toBe(false);
    expect(isSameOrLater("payment_processing", "in_review")).toBe(true);
    expect(isSameOrLater("in_review", "shipped")).toBe(true);
    expect(isSameOrLater("in_review", "payment_processing")).toBe(false);
    expect(isSameOrLater("payment_confirmed", "in_review")).toBe(false);
    expect(isSameOrLater("shipped", "cancelled")).toBe(false);
  });

  it("never lets a final status be left", () => {
    for (const final of FINAL_STATUSES) {
      for (const other of ORDER_STATUSES) if (other !== final) expect(isSameOrLater(final, other)).toBe(false);
    }
  });
});

describe("mergeOrder", () => {
  it("a slow poll answering an older status does not replace a newer one", () => {
    const shown = order("confirmed");
    const stale = order("payment_processing", { events: [...shown.events, { id: "evt_2", status: "payment_processing", timestamp: "2026-12-01T10:00:01.000Z" }] });
    const merged = mergeOrder(shown, stale)!;
    expect(merged.status).toBe("confirmed");
    expect(merged.events.map((e) => e.id)).toEqual(["evt_1", "evt_2"]);
  });

  it("a replayed SSE event changes nothing; a newer one moves the order on and adds tracking", () => {
    const shown = order("shipped", { tracking: "1Z999" });
    expect(mergeOrder(shown, { order_id: "ord_a", status: "payment_confirmed", timestamp: "2026-12-01T10:00:02.000Z" })).toBe(shown);
    const moved = mergeOrder(order("confirmed"), { id: "evt_9", order_id: "ord_a", status: "shipped", tracking: "1Z1", timestamp: "2026-12-01T10:00:09.000Z" })!;
    expect(moved).toMatchObject({ status: "shipped", tracking: "1Z1", updated_at: "2026-12-01T10:00:09.000Z" });
    expect(moved.events.at(-1)).toMatchObject({ id: "evt_9", status: "shipped", tracking: "1Z1" });
  });

  it("an update alone cannot create an order; a snapshot can", () => {
    expect(mergeOrder(undefined, { order_id: "ord_a", status: "pending", timestamp: "t" })).toBeUndefined();
    expect(mergeOrder(undefined, order("pending"))?.status).toBe("pending");
  });
});

describe("mergeOrderPage", () => {
  it("keeps orders a stale page lacks, newest first, each merged by status", () => {
    const newer = order("shipped", { order_id: "ord_b", created_at: "2026-12-01T11:00:00.000Z" });
    const current = { data: [newer, order("confirmed")], next_cursor: null };
    const stale = { data: [order("pending")], next_cursor: null };
    const merged = mergeOrderPage(current, stale);
    expect(merged.data.map((o) => [o.order_id, o.status])).toEqual([
      ["ord_b", "shipped"],
      ["ord_a", "confirmed"],
    ]);
  });

  it("applies pushed updates only to the orders it holds", () => {
    const page = { data: [order("payment_processing")], next_cursor: null };
    expect(applyUpdateToPage(page, { order_id: "ord_x", status: "shipped", timestamp: "t" })).toBe(page);
    expect(applyUpdateToPage(page, { order_id: "ord_a", status: "payment_confirmed", timestamp: "t" })?.data[0]?.status).toBe("payment_confirmed");
  });
});
