import "server-only";
import { callService, DownstreamError } from "@/server/downstream/call-service";
import { env } from "@/server/env";
import type { PaymentVerdict } from "./settle-payment";

/** A charge as the provider knows it; `processing` has no verdict yet, `voided` never will. */
export type ProviderCharge = {
  chargeId: string;
  status: "processing" | "completed" | "failed" | "flagged" | "voided";
  verdict?: PaymentVerdict;
};

/**
 * What Conveyor needs from a payment provider. The bundled simulator implements it over
 * HTTP; a real provider is one more implementation of this interface plus its URL/secret.
 * The outcome of a charge arrives later by signed webhook (docs/api.md, "POST /webhooks/payments"). A charge is
 * addressed by the idempotency key it was created with, which we always know — even when
 * the create call timed out after the provider had accepted it and its id never reached us.
 */
export interface PaymentProvider {
  createCharge(request: {
    idempotencyKey: string;
    orderId: string;
    amountCents: number;
    currency: string;
    paymentMethod: string;
    /**
     * What to do when risk scoring flags the charge: `block` it (`payment.flagged`, no money
     * taken; the default) or capture and hold it for our review (`payment.completed` with a
     * `review`) — manual review, docs/decisions/029-manual-review.md.
     */
    riskAction?: "block" | "review";
  }): Promise<{ chargeId: string; status: "processing" | "completed" | "failed" | "flagged" }>;
  /** The charge created with `chargeKey`, or null when the provider has none (yet). */
  lookupCharge(request: { chargeKey: string }): Promise<ProviderCharge | null>;
  /**
   * Voids an undecided charge or refunds a captured one, once per `idempotencyKey`.
   * `not_found`: no charge with that key (yet); `not_required`: it took no money.
   */
  reverseCharge(request: { idempotencyKey: string; chargeKey: string }): Promise<{ kind: "void" | "refund" | "not_required" | "not_found"; chargeId?: string }>;
}

type SimCharge = {
  id: string;
  status: ProviderCharge["status"];
  amount: number;
  currency: string;
  reason?: string;
  risk_score?: number;
  review?: { risk_score: number; reason?: string };
};

export function httpPaymentProvider(baseUrl = env().PAYMENT_PROVIDER_URL): PaymentProvider {
  const byKey = (key: string) => `${baseUrl}/charges/by-key/${encodeURIComponent(key)}`;
  return {
    async createCharge(request) {
      const charge = await callService<{ id: string; status: "processing" | "completed" | "failed" | "flagged" }>(
        "payment",
        `${baseUrl}/charges`,
        {
          order_id: request.orderId,
          amount: request.amountCents,
          currency: request.currency,
          payment_method: request.paymentMethod,
          ...(request.riskAction ? { risk_action: request.riskAction } : {}),
        },
        request.idempotencyKey,
      );
      return { chargeId: charge.id, status: charge.status };
    },
    async lookupCharge(request) {
      const charge = await notFoundAsNull(callService<SimCharge>("payment", byKey(request.chargeKey), undefined, undefined, "GET"));
      return charge ? { chargeId: charge.id, status: charge.status, verdict: toVerdict(charge) } : null;
    },
    async reverseCharge(request) {
      const reversal = await notFoundAsNull(
        callService<{ kind: "void" | "refund" | "not_required"; charge_id: string }>("payment", `${byKey(request.chargeKey)}/reverse`, {}, request.idempotencyKey),
      );
      return reversal ? { kind: reversal.kind, chargeId: reversal.charge_id } : { kind: "not_found" };
    },
  };
}

function toVerdict(charge: SimCharge): PaymentVerdict | undefined {
  const amount = charge.amount / 100;
  if (charge.status === "completed") return { event: "payment.completed", amount, currency: charge.currency, ...(charge.review ? { review: charge.review } : {}) };
  if (charge.status === "failed") return { event: "payment.failed", reason: charge.reason };
  if (charge.status === "flagged") return { event: "payment.flagged", risk_score: charge.risk_score, reason: charge.reason };
  return undefined;
}

async function notFoundAsNull<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof DownstreamError && err.status === 404) return null;
    throw err;
  }
}
