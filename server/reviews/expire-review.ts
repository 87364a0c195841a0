import "server-only";
import { eq, sql } from "drizzle-orm";
import { awaitsReview } from "@/lib/order-state";
import type { Database } from "@/server/db/client";
import { reviews } from "@/server/db/schema";
import { lockOrder } from "@/server/orders/order-state-machine";
import type { StepQueue } from "@/server/pipeline/step-queue";
import { REVIEW_EXPIRES_AFTER_SECONDS } from "@/server/pipeline/steps";
import { closeReview } from "./decide-review";

/**
 * The job due REVIEW_EXPIRES_AFTER_SECONDS (72 h) after a payment was held: a review nobody
 * decided is rejected (`review_expired`), so no money stays held for an order that may never
 * ship. It is a delayed job that runs once, not one that waits for a person, so pg-boss's
 * expiry of running jobs never applies to the wait. A review already decided, or an order
 * that ended otherwise, is left alone. Due is judged by the database's clock, which also
 * scheduled the job; `now` replaces it (tests).
 */
export async function expireReview(db: Database, queue: StepQueue, orderId: string, now?: Date): Promise<"expired" | "decided" | "not_due"> {
  return db.transaction(async (tx) => {
    const order = await lockOrder(tx, orderId);
    const clock = now ? sql`${now.toISOString()}::timestamptz` : sql`now()`;
    const [review] = await tx
      .select({ decision: reviews.decision, due: sql<boolean>`${reviews.openedAt} + make_interval(secs => ${REVIEW_EXPIRES_AFTER_SECONDS}) <= ${clock}` })
      .from(reviews)
      .where(eq(reviews.orderId, orderId));
    if (!order || !review || review.decision || !awaitsReview(order)) return "decided";
    if (!review.due) return "not_due";
    await closeReview(tx, queue, order, "expired", null);
    return "expired";
  });
}
