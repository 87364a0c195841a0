import "server-only";
import { and, asc, eq, isNull, notInArray, sql } from "drizzle-orm";
import { FINAL_STATUSES, type OrderStatus } from "@/lib/order-state";
import type { Database } from "@/server/db/client";
import { orders, reviews, shoppers } from "@/server/db/schema";
import { REVIEW_EXPIRES_AFTER_SECONDS } from "@/server/pipeline/steps";

export type OpenReview = {
  order_id: string;
  status: OrderStatus;
  risk_score: number | null;
  reason: string | null;
  total_cents: number;
  currency: string;
  payment_method: string;
  /** null for a guest checkout (a guest's address is a placeholder). */
  shopper_email: string | null;
  /** When the provider held the payment, and when the review is rejected if nobody decides. */
  held_since: string;
  expires_at: string;
};

/**
 * The review desk: every payment held for review on an order that may still ship, oldest
 * first (the first to expire). The partial index on undecided reviews keeps it to those.
 */
export async function listReviews(db: Database, limit = 200): Promise<OpenReview[]> {
  const rows = await db
    .select({
      order_id: reviews.orderId,
      status: orders.status,
      risk_score: reviews.riskScore,
      reason: reviews.reason,
      total_cents: orders.totalCents,
      currency: orders.currency,
      payment_method: orders.paymentMethod,
      shopper_email: sql<string | null>`CASE WHEN ${shoppers.isAnonymous} THEN NULL ELSE ${shoppers.email} END`,
      openedAt: reviews.openedAt,
    })
    .from(reviews)
    .innerJoin(orders, eq(orders.id, reviews.orderId))
    .innerJoin(shoppers, eq(shoppers.id, orders.shopperId))
    .where(and(isNull(reviews.decision), eq(orders.paymentState, "held"), notInArray(orders.status, [...FINAL_STATUSES])))
    .orderBy(asc(reviews.openedAt), asc(reviews.orderId))
    .limit(limit);
  return rows.map(({ openedAt, ...row }) => ({
    ...row,
    held_since: openedAt.toISOString(),
    expires_at: new Date(openedAt.getTime() + REVIEW_EXPIRES_AFTER_SECONDS * 1000).toISOString(),
  }));
}
