import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "@/server/db/client";
import { payments } from "@/server/db/schema";
import { lockOrder } from "@/server/orders/order-state-machine";
import type { StepQueue } from "@/server/pipeline/step-queue";
import type { PaymentProvider } from "./payment-provider";
import { chargeIdempotencyKey } from "./charge-payment";
import { settlePayment } from "./settle-payment";

/**
 * A charge with no verdict some time after it was requested (PAYMENT_RECONCILE_AFTER_SECONDS):
 * ask the provider, as a real integration must since webhooks get lost. A verdict is settled
 * through the same code path as the webhook (a webhook arriving later is then a no-op);
 * a charge still processing, or not (yet) at the provider, is looked at again later; one
 * the provider voided is recorded as voided.
 */
export async function reconcilePayment(
  db: Database,
  queue: StepQueue,
  provider: PaymentProvider,
  job: { orderId: string; attempt: number },
): Promise<"settled" | "unsettled" | "no_charge"> {
  const [payment] = await db.select().from(payments).where(eq(payments.orderId, job.orderId));
  if (!payment) return "no_charge";
  if (payment.status === "completed" || payment.status === "failed" || payment.status === "flagged" || payment.reversedAt) return "settled";

  const charge = await provider.lookupCharge({ chargeKey: chargeIdempotencyKey(job.orderId) });
  return db.transaction(async (tx) => {
    const order = await lockOrder(tx, job.orderId);
    if (!order) return "no_charge";
    if (charge) {
      await tx
        .update(payments)
        .set({ providerChargeId: sql`coalesce(${payments.providerChargeId}, ${charge.chargeId})` })
        .where(eq(payments.orderId, job.orderId));
    }
    if (charge?.status === "voided") {
      // Our void reached the provider but its answer did not reach us: record it, and stop looking.
      await tx
        .update(payments)
        .set({ reversal: "void", reversedAt: sql`now()` })
        .where(and(eq(payments.orderId, job.orderId), isNull(payments.reversedAt)));
      return "settled";
    }
    if (charge?.verdict) {
      await settlePayment(tx, queue, order, charge.verdict);
      return "settled";
    }
    await queue.advance(tx, "reconcilePayment", "unsettled", { order, attempt: job.attempt + 1 });
    return "unsettled";
  });
}
