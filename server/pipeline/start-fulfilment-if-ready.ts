import "server-only";
import { enqueueInTx, type JobSender } from "@/jobs/boss";
import { QUEUES } from "@/jobs/queues";
import type { Transaction } from "@/server/db/client";
import type { Order } from "@/server/db/schema";

/**
 * The join of the two parallel branches: fulfilment (invoice → email → confirmed → ship)
 * starts when payment has completed AND stock is reserved, whichever finished last. Both
 * callers hold the order's row lock, so exactly one of them sees both facts true; the
 * deterministic job id makes a repeat harmless anyway.
 */
export async function startFulfilmentIfReady(tx: Transaction, boss: JobSender, order: Order): Promise<boolean> {
  const ready =
    order.paymentState === "completed" &&
    order.stockState === "reserved" &&
    (order.status === "payment_confirmed" || order.status === "backordered");
  if (!ready) return false;
  await enqueueInTx(boss, tx, QUEUES.createInvoice, { orderId: order.id }, order.id);
  return true;
}
