import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { ORDER_ID_PATTERN } from "@/lib/contract";
import { awaitsReview, type OrderStatus } from "@/lib/order-state";
import type { Database, Transaction } from "@/server/db/client";
import { reviews, type Order, type ReviewDecision } from "@/server/db/schema";
import { conflict, notFound } from "@/server/errors";
import { releaseOrderStock } from "@/server/inventory/release-order-stock";
import { lockOrder, recordPaymentFact, transitionOrder } from "@/server/orders/order-state-machine";
import type { StepQueue } from "@/server/pipeline/step-queue";

/** The admin who decides, as the timeline names them. */
export type Reviewer = { id: string; email: string };

export type ReviewOutcome = { order_id: string; decision: ReviewDecision; status: OrderStatus; decided_at: string; decided_by_email: string | null };

/**
 * An admin's decision on a payment held for review (docs/decisions/029-manual-review.md).
 * Under the order's row lock, so a double click, two admins, the expiry or a late provider
 * webhook are served one after the other: the same decision again answers what was decided
 * (idempotent), a different one is a conflict, and an order that ended meanwhile (cancelled)
 * has nothing left to decide.
 */
export async function decideReview(db: Database, queue: StepQueue, orderId: string, decision: "approved" | "rejected", by: Reviewer): Promise<ReviewOutcome> {
  if (!ORDER_ID_PATTERN.test(orderId)) throw notFound(`No review for order ${orderId}.`);
  return db.transaction(async (tx) => {
    const order = await lockOrder(tx, orderId);
    const [review] = order ? await tx.select().from(reviews).where(eq(reviews.orderId, orderId)) : [];
    if (!order || !review) throw notFound(`No review for order ${orderId}.`);
    if (review.decision === decision) return outcome(order, review);
    if (review.decision) throw conflict("review_decided", `The review of ${orderId} is already decided: ${review.decision}.`, { decision: review.decision });
    if (!awaitsReview(order)) throw conflict("review_closed", `Order ${orderId} is ${order.status}; there is nothing left to decide.`, { status: order.status });
    return closeReview(tx, queue, order, decision, by);
  });
}

/**
 * Decides an open review of a locked order that awaits one. Approved: the held payment
 * becomes the order's payment (`completed`) and the order goes on as paid — to
 * `payment_confirmed`, or, back-ordered, it waits for stock as any paid order does; no new
 * charge is made. Rejected or expired: `rejected`, stock released, and the money rule
 * refunds the capture, once, by the order's reversal key.
 */
export async function closeReview(tx: Transaction, queue: StepQueue, order: Order, decision: ReviewDecision, by: Reviewer | null): Promise<ReviewOutcome> {
  let decided: Order | null;
  if (decision === "approved") {
    decided =
      order.status === "in_review"
        ? await transitionOrder(tx, order.id, "payment_confirmed", { set: { paymentState: "completed" }, detail: { review: "approved" } })
        : await recordPaymentFact(tx, order.id, "completed");
  } else {
    const reason = decision === "expired" ? "review_expired" : "review_rejected";
    decided = await transitionOrder(tx, order.id, "rejected", { set: { failureReason: reason }, detail: { reason } });
    if (decided) await releaseOrderStock(tx, order.id);
  }
  // The caller checked, under the lock, that the order awaits this review: both moves are allowed.
  if (!decided) throw new Error(`Order ${order.id} (${order.status}, payment ${order.paymentState}) cannot be ${decision}.`);
  const [review] = await tx
    .update(reviews)
    .set({ decision, decidedAt: sql`now()`, decidedBy: by?.id ?? null, decidedByEmail: by?.email ?? null })
    .where(and(eq(reviews.orderId, order.id), isNull(reviews.decision)))
    .returning();
  if (!review) throw new Error(`Order ${order.id} has no open review.`);
  if (decision === "approved") await queue.advance(tx, "decideReview", "approved", { order: decided });
  else await queue.advance(tx, decision === "expired" ? "expireReview" : "decideReview", "rejected", { order: decided });
  return outcome(decided, review);
}

function outcome(order: Order, review: { decision: ReviewDecision | null; decidedAt: Date | null; decidedByEmail: string | null }): ReviewOutcome {
  return {
    order_id: order.id,
    decision: review.decision!,
    status: order.status,
    decided_at: (review.decidedAt ?? new Date()).toISOString(),
    decided_by_email: review.decidedByEmail,
  };
}
