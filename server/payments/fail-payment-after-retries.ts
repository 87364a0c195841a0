import "server-only";
import type { Database } from "@/server/db/client";
import { releaseOrderStock } from "@/server/inventory/release-order-stock";
import { lockOrder, transitionOrder } from "@/server/orders/order-state-machine";
import type { StepQueue } from "@/server/pipeline/step-queue";
import { loggerFor } from "@/server/logging/logger";

const log = loggerFor("payment");

/**
 * The provider could not be reached for the whole retry budget: the order becomes
 * `payment_failed` (stock released, shopper told) instead of waiting forever. This is our
 * verdict, not the provider's: payment_state stays as it was, so a charge that did land
 * (a completion arriving later) is reversed by the money rule rather than kept.
 */
export async function failPaymentAfterRetries(db: Database, queue: StepQueue, orderId: string, cause: unknown): Promise<void> {
  log.error({ order_id: orderId, err: cause }, "giving up on the payment");
  await db.transaction(async (tx) => {
    const order = await lockOrder(tx, orderId);
    if (!order) return;
    const failed = await transitionOrder(tx, orderId, "payment_failed", { set: { failureReason: "payment_unavailable" }, detail: { reason: "payment_unavailable" } });
    if (!failed) return;
    await releaseOrderStock(tx, orderId);
    await queue.advance(tx, "failPayment", "failed", { order: failed });
  });
}
