import "server-only";
import { eq, sql } from "drizzle-orm";
import type { Transaction } from "@/server/db/client";
import { isFinalStatus } from "@/lib/order-state";
import { payments, reviews, type Order, type PaymentState } from "@/server/db/schema";
import { releaseOrderStock } from "@/server/inventory/release-order-stock";
import { afterTheMove, orderAfterMove, recordPaymentFact, transitionOrder, type AlongsideMoved, type AlongsideWrite } from "@/server/orders/order-state-machine";
import type { StepQueue } from "@/server/pipeline/step-queue";

/** The provider's verdict on a charge, as its webhook or its lookup endpoint tells it. */
export type PaymentVerdict =
  | { event: "payment.completed"; amount: number; currency: string; review?: { risk_score: number; reason?: string } }
  | { event: "payment.failed"; reason?: string }
  | { event: "payment.flagged"; risk_score?: number; reason?: string };

/**
 * Records the provider's verdict on an order's payment — the one code path for the signed
 * webhook and for reconciliation. The first verdict decides the order's status: a later,
 * duplicated or contradicting one never moves it. But a completion is a fact whenever it
 * comes — after the order ended on our side (cancelled, failed after retries), when it does
 * not pay the order (another amount or currency), or after a refusal (a provider retrying a
 * declined charge can report it completed after all): the money is then held on an order that
 * will not ship, and the step table's money rule queues its reversal (decision 010). A
 * completion the provider holds for our review (manual review, decision 029) is captured
 * money too, recorded as `held`: the order waits `in_review` for an admin, and nothing
 * fulfils it until one approves. The caller holds the order's row lock.
 */
export async function settlePayment(tx: Transaction, queue: StepQueue, order: Order, verdict: PaymentVerdict): Promise<"applied" | "ignored"> {
  if (order.paymentState === "completed" || order.paymentState === "held") return "ignored";
  if (order.paymentState === "failed" || order.paymentState === "flagged") return completionAfterRefusal(tx, queue, order, verdict);
  // A verdict proves the charge was requested, even when it overtook our charge job's own
  // record of that: log `payment_processing` first, so every order's timeline is complete.
  if (order.status === "pending") await transitionOrder(tx, order.id, "payment_processing");

  const captured = verdict.event === "payment.completed";
  const mismatch = captured && !paysOrder(verdict, order);
  const reason = captured ? (mismatch ? "amount_mismatch" : null) : (verdict.reason ?? (verdict.event === "payment.flagged" ? "fraud_or_risk" : "declined"));
  const review = captured && !mismatch ? verdict.review : undefined;
  const riskScore = verdict.event === "payment.flagged" ? (verdict.risk_score ?? null) : (review?.risk_score ?? null);
  const chargeStatus = captured ? "completed" : verdict.event === "payment.failed" ? "failed" : "flagged";
  // The verdict on our payment row rides on the transition below, in its statement, whether
  // or not the order moves (decision 057); so does the withdrawal of the look-up waiting for
  // it, which would only read that row and stop (decision 058).
  const alongside = [
    verdictWrite({ amountCents: order.totalCents, currency: order.currency, status: chargeStatus, riskScore, failureReason: reason }),
    ...queue.withdrawWaiting("settlePayment", { order }),
  ];
  // The fact rides on the transition (one statement) when the order moves; on its own when
  // it does not (the order already ended on our side).
  const recordFactAlone = async (fact: PaymentState = chargeStatus) => (await recordPaymentFact(tx, order.id, fact)) ?? order;

  if (review) {
    // Held for review: a back-ordered order stays `backordered` (the review goes on); one
    // cancelled meanwhile has money held on an order that will not ship, which the rule returns.
    const detail = { reason: review.reason ?? "high_risk_score", risk_score: review.risk_score };
    const held = (await transitionOrder(tx, order.id, "in_review", { set: { paymentState: "held" }, detail, alongside })) ?? (await recordFactAlone("held"));
    if (!isFinalStatus(held.status)) {
      await tx.insert(reviews).values({ orderId: order.id, riskScore: review.risk_score, reason: detail.reason }).onConflictDoNothing();
    }
    await queue.advance(tx, "settlePayment", "held", { order: held });
    return "applied";
  }
  if (captured && !mismatch) {
    // The next jobs (the invoice, once the stock is in too) ride on the move as well (decision
    // 061): planned for the order as the move leaves it, written only if it moves.
    const set = { paymentState: "completed" } as const;
    const next = queue.advanceAlongside("settlePayment", "paid", { order: orderAfterMove(order, "payment_confirmed", set) });
    const confirmed = await transitionOrder(tx, order.id, "payment_confirmed", { set, alongside: [...alongside, ...next] });
    if (!confirmed) await queue.advance(tx, "settlePayment", "paid", { order: await recordFactAlone() });
    return "applied";
  }
  const to = verdict.event === "payment.flagged" ? "rejected" : "payment_failed";
  const detail = verdict.event === "payment.flagged" ? { reason, risk_score: riskScore } : { reason };
  const moved = await transitionOrder(tx, order.id, to, { set: { failureReason: reason, paymentState: chargeStatus }, detail, alongside });
  if (moved) await releaseOrderStock(tx, order.id);
  await queue.advance(tx, "settlePayment", moved ? "failed" : "late", { order: moved ?? (await recordFactAlone()) });
  return "applied";
}

/**
 * The order already ended on a refusal (payment_failed or rejected). Another refusal changes
 * nothing; a completion is money the provider now holds for it: recorded on the charge and
 * the order (whose status stays final), so the money rule refunds it — once, however often
 * the completion is delivered, as every later one finds the payment completed.
 */
async function completionAfterRefusal(tx: Transaction, queue: StepQueue, order: Order, verdict: PaymentVerdict): Promise<"applied" | "ignored"> {
  if (verdict.event !== "payment.completed") return "ignored";
  await tx.update(payments).set({ status: "completed", settledAt: sql`now()` }).where(eq(payments.orderId, order.id));
  const held = await recordPaymentFact(tx, order.id, "completed");
  await queue.advance(tx, "settlePayment", "late", { order: held ?? order });
  return "applied";
}

/**
 * A completion for another amount or currency than the order's does not pay the order: it
 * fails (`amount_mismatch`) and the captured money is refunded, rather than shipping goods
 * that were not paid for.
 */
function paysOrder(verdict: { amount: number; currency: string }, order: Order): boolean {
  return Math.round(verdict.amount * 100) === order.totalCents && verdict.currency === order.currency;
}

type Verdict = { amountCents: number; currency: string; status: "completed" | "failed" | "flagged"; riskScore: number | null; failureReason: string | null };

/**
 * The verdict on our payment row, as a write alongside the transition (decision 057): every
 * verdict writes it, whether or not the order moves — it reads `moved` only to run after the
 * order's row lock. The insert's values are the update's. Its placeholders are prefixed, so
 * none is taken for one of the transition's own (`failureReason` is an order column too).
 */
function verdictWrite(verdict: Verdict): AlongsideWrite {
  return {
    name: "verdict",
    write: recordVerdict,
    values: {
      verdictAmountCents: verdict.amountCents,
      verdictCurrency: verdict.currency,
      verdictStatus: verdict.status,
      verdictRiskScore: verdict.riskScore,
      verdictFailureReason: verdict.failureReason,
    },
  };
}

const recordVerdict = (moved: AlongsideMoved) =>
  sql`INSERT INTO ${payments} (order_id, amount_cents, currency, status, risk_score, failure_reason, settled_at)
      SELECT ${sql.placeholder("orderId")}, ${sql.placeholder("verdictAmountCents")}::int, ${sql.placeholder("verdictCurrency")}, ${sql.placeholder("verdictStatus")},
             ${sql.placeholder("verdictRiskScore")}::real, ${sql.placeholder("verdictFailureReason")}, now()
       WHERE ${afterTheMove(moved)}
      ON CONFLICT (order_id) DO UPDATE
        SET status = excluded.status, risk_score = excluded.risk_score, failure_reason = excluded.failure_reason, settled_at = now()`;
