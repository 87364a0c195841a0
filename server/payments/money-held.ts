import type { Order } from "@/server/db/schema";

const WILL_NOT_SHIP: readonly Order["status"][] = ["payment_failed", "rejected", "cancelled"];
const MONEY_MAY_BE_HELD: readonly Order["paymentState"][] = ["processing", "held", "completed"];

/**
 * THE money rule, the one place that decides it: an order that will not ship (failed on
 * either side, rejected, or cancelled) keeps nothing, so any money the provider may hold
 * for it — a charge that is captured (`completed`, or `held` for a manual review), or
 * requested and not yet decided (it may still land) — is reversed. A shipped order keeps
 * its total. Every trigger (cancel, a late or mismatched completion, retries exhausted,
 * reconciliation, a rejected or expired review) goes through this check, and
 * the reversal itself is idempotent at the provider, so the money moves back exactly once.
 */
export function mustReturnMoney(order: Pick<Order, "status" | "paymentState">): boolean {
  return WILL_NOT_SHIP.includes(order.status) && MONEY_MAY_BE_HELD.includes(order.paymentState);
}
