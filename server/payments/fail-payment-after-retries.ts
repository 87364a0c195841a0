import "server-only";
import type { JobSender } from "@/jobs/boss";
import type { Database } from "@/server/db/client";
import { lockOrder } from "@/server/orders/order-state-machine";
import { applyPaymentOutcome } from "./apply-payment-outcome";

/**
 * The provider could not be reached for the whole retry budget: the order becomes
 * `payment_failed` (stock released, shopper told) instead of waiting forever.
 */
export async function failPaymentAfterRetries(db: Database, boss: JobSender, orderId: string, cause: unknown): Promise<void> {
  console.error(`[payment] giving up on ${orderId}:`, (cause as Error)?.message ?? cause);
  await db.transaction(async (tx) => {
    const order = await lockOrder(tx, orderId);
    if (order) await applyPaymentOutcome(tx, boss, order, { kind: "failed", reason: "payment_unavailable" });
  });
}
