import { callService } from "@/server/downstream/call-service";
import { env } from "@/server/env";

/**
 * What Conveyor needs from a payment provider. The bundled simulator implements it over
 * HTTP; a real provider is one more implementation of this interface plus its URL/secret.
 * The outcome of a charge arrives later by signed webhook (CONTRACT.md §3).
 */
export interface PaymentProvider {
  createCharge(request: {
    idempotencyKey: string;
    orderId: string;
    amountCents: number;
    currency: string;
    paymentMethod: string;
  }): Promise<{ chargeId: string; status: "processing" | "completed" | "failed" | "flagged" }>;
  /** Voids an unsettled charge or refunds a settled one; idempotent per key. */
  reverseCharge(request: {
    idempotencyKey: string;
    chargeId: string;
  }): Promise<{ kind: "void" | "refund" | "not_required" }>;
}

export function httpPaymentProvider(baseUrl = env().PAYMENT_PROVIDER_URL): PaymentProvider {
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
        },
        request.idempotencyKey,
      );
      return { chargeId: charge.id, status: charge.status };
    },
    async reverseCharge(request) {
      return callService<{ kind: "void" | "refund" | "not_required" }>(
        "payment",
        `${baseUrl}/charges/${encodeURIComponent(request.chargeId)}/reverse`,
        {},
        request.idempotencyKey,
      );
    },
  };
}
