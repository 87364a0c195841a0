import "server-only";
import { eq, sql } from "drizzle-orm";
import { isFinalStatus } from "@/lib/order-state";
import { builtOnce } from "@/server/db/built-once";
import type { Database } from "@/server/db/client";
import { orders, payments, pipelineSettings, type Order } from "@/server/db/schema";
import { afterTheMove, paymentFactUpdate, transitionOrder, type AlongsideMoved } from "@/server/orders/order-state-machine";
import type { FoldingStepQueue } from "@/server/pipeline/step-queue";
import type { PaymentProvider } from "./payment-provider";

/** The provider's idempotency key for an order's charge: a retried job can never charge twice. */
export function chargeIdempotencyKey(orderId: string): string {
  return `charge_${orderId}`;
}

/**
 * Asks the provider to charge the order. Before the call, one statement records that a charge
 * may now exist (payment_state `processing`), writes the payment row and queues the
 * reconciliation lookup (decision 054): from here on a cancel or a failure reverses by the
 * charge's idempotency key, and a verdict that never arrives is fetched — even if this call
 * times out after the provider accepted it. The HTTP call itself is made outside any
 * transaction, so no row lock is held while a third party thinks.
 */
export async function chargePayment(db: Database, queue: FoldingStepQueue, provider: PaymentProvider, orderId: string): Promise<"requested" | "skipped"> {
  const found = await chargeableOrder(db, queue, orderId);
  if (!found) return "skipped";
  const { order, manualReview } = found;

  // Manual review on: a risky charge is captured and held for an admin rather than blocked.
  // A retry asks again; the provider keeps what the first request asked (idempotency key).
  const charge = await provider.createCharge({
    idempotencyKey: chargeIdempotencyKey(orderId),
    orderId,
    amountCents: order.totalCents,
    currency: order.currency,
    paymentMethod: order.paymentMethod,
    riskAction: manualReview ? "review" : "block",
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

type Chargeable = { order: Order; manualReview: boolean };

/**
 * The order when it may be charged (with the manual-review switch, read with it), having
 * recorded the request first when nothing has been asked yet; null when the step has nothing
 * to do. Two round trips where a locked transaction took seven (decision 054): the write's own
 * conditions (the payment fact still `none`, the order not final) are checked under the row
 * lock the UPDATE takes, so a cancel or a second run of this job that got there between the
 * read and the write makes it write nothing, and the order is read again to decide as before.
 */
async function chargeableOrder(db: Database, queue: FoldingStepQueue, orderId: string): Promise<Chargeable | null> {
  const [found] = await orderWithManualReview(db, { orderId });
  if (!found || !mayCharge(found.order)) return null;
  if (found.order.paymentState !== "none" || (await recordChargeRequested(db, queue, found.order))) return found;
  const [again] = await orderWithManualReview(db, { orderId });
  return again && mayCharge(again.order) && again.order.paymentState === "processing" ? again : null;
}

/** Not final, and no verdict yet: nothing asked (`none`), or asked by an attempt whose outcome is unknown (`processing`). */
const mayCharge = (order: Order) => !isFinalStatus(order.status) && (order.paymentState === "none" || order.paymentState === "processing");

/**
 * The payment fact `processing`, the payment row and the step's next jobs (the reconciliation
 * lookup), in one statement that writes all of them or, when the order moved meanwhile, none.
 */
async function recordChargeRequested(db: Database, queue: FoldingStepQueue, order: Order): Promise<boolean> {
  const requested = sql`EXISTS (SELECT 1 FROM requested)`;
  const jobs = queue.foldAdvance("chargePayment", "requested", [{ order, attempt: 0 }], requested);
  const { rows } = await db.execute<{ moved: number }>(sql`
    WITH requested AS (
      ${paymentFactUpdate(order.id, "processing", { unlessFinal: true })}
      RETURNING ${orders.id}, ${orders.totalCents}, ${orders.currency}
    ),
    payment_row AS (
      INSERT INTO ${payments} (order_id, amount_cents, currency, status)
      SELECT id, total_cents, currency, 'requested' FROM requested
      ON CONFLICT DO NOTHING
    ),
    ${jobs.ctes}
    SELECT (SELECT count(*) FROM requested)::int AS moved, ${jobs.inserted} AS jobs`);
  return rows[0]!.moved > 0;
}

// The step's statements, built once (decision 046).
const orderWithManualReview = builtOnce<{ orderId: string }, Chargeable[]>((db) =>
  db
    .select({ order: orders, manualReview: sql<boolean>`coalesce((SELECT ${pipelineSettings.manualReview} FROM ${pipelineSettings} LIMIT 1), false)` })
    .from(orders)
    .where(eq(orders.id, sql.placeholder("orderId"))),
);

/** Whether or not the order moved, after the transition's lock. */
const recordChargeId = (moved: AlongsideMoved) =>
  sql`UPDATE ${payments} SET provider_charge_id = ${sql.placeholder("chargeId")},
        status = CASE WHEN ${payments.status} = 'requested' THEN 'processing' ELSE ${payments.status} END
      WHERE ${payments.orderId} = ${sql.placeholder("orderId")} AND ${afterTheMove(moved)}`;
