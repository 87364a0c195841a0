import "server-only";
import { sql } from "drizzle-orm";
import { isFinalStatus } from "@/lib/order-state";
import { builtOnce } from "@/server/db/built-once";
import type { Database } from "@/server/db/client";
import { payments } from "@/server/db/schema";
import { lockOrder, recordPaymentFact, transitionOrder, type AlongsideMoved } from "@/server/orders/order-state-machine";
import type { StepQueue } from "@/server/pipeline/step-queue";
import { getManualReview } from "@/server/reviews/manual-review-setting";
import type { PaymentProvider } from "./payment-provider";

/** The provider's idempotency key for an order's charge: a retried job can never charge twice. */
export function chargeIdempotencyKey(orderId: string): string {
  return `charge_${orderId}`;
}

/**
 * Asks the provider to charge the order. Before the call, in one transaction, it records
 * that a charge may now exist (payment_state `processing`) and queues the reconciliation
 * lookup: from here on a cancel or a failure reverses by the charge's idempotency key, and
 * a verdict that never arrives is fetched — even if this call times out after the provider
 * accepted it. The HTTP call itself is made outside any transaction, so no row lock is held
 * while a third party thinks.
 */
export async function chargePayment(db: Database, queue: StepQueue, provider: PaymentProvider, orderId: string): Promise<"requested" | "skipped"> {
  const order = await db.transaction(async (tx) => {
    const current = await lockOrder(tx, orderId);
    if (!current || isFinalStatus(current.status) || (current.paymentState !== "none" && current.paymentState !== "processing")) return null;
    const requested = await recordPaymentFact(tx, orderId, "processing");
    if (requested) {
      await recordPaymentRequested(tx, { orderId, amountCents: current.totalCents, currency: current.currency });
      await queue.advance(tx, "chargePayment", "requested", { order: requested, attempt: 0 });
    }
    return requested ?? current;
  });
  if (!order) return "skipped";

  // Manual review on: a risky charge is captured and held for an admin rather than blocked.
  // A retry asks again; the provider keeps what the first request asked (idempotency key).
  const manualReview = await getManualReview(db);
  const charge = await provider.createCharge({
    idempotencyKey: chargeIdempotencyKey(orderId),
    orderId,
    amountCents: order.totalCents,
    currency: order.currency,
    paymentMethod: order.paymentMethod,
    riskAction: manualReview.enabled ? "review" : "block",
  });

  // One statement (decision 046): the transition, and the charge's id on the payment row. The
  // payment row's write reads the transition's result, so it runs after the order's row lock
  // is taken, in the order every other step takes them. When the order does not move (a
  // verdict got here first), the payment row alone is written, and only from `requested`.
  await transitionOrder(db, orderId, "payment_processing", {
    detail: { charge_id: charge.chargeId },
    alongside: { name: "chargeId", write: recordChargeId, values: { chargeId: charge.chargeId } },
  });
  return "requested";
}

// The step's statements, built once (decision 046).
const recordPaymentRequested = builtOnce((db) =>
  db
    .insert(payments)
    .values({ orderId: sql.placeholder("orderId"), amountCents: sql.placeholder("amountCents"), currency: sql.placeholder("currency"), status: "requested" })
    .onConflictDoNothing(),
);

/** Whether or not the order moved (the count only orders it after the transition's lock). */
const recordChargeId = (moved: AlongsideMoved) =>
  sql`UPDATE ${payments} SET provider_charge_id = ${sql.placeholder("chargeId")},
        status = CASE WHEN ${payments.status} = 'requested' THEN 'processing' ELSE ${payments.status} END
      WHERE ${payments.orderId} = ${sql.placeholder("orderId")} AND (SELECT count(*) FROM ${moved}) >= 0`;
