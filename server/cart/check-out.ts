import "server-only";
import type { PlaceOrderInput } from "@/lib/contract";
import type { Database } from "@/server/db/client";
import { getOrder } from "@/server/orders/get-order";
import type { OrderView } from "@/server/orders/order-view";
import { placeOrder } from "@/server/orders/place-order";
import type { StepQueue } from "@/server/pipeline/step-queue";
import { removeFromCart } from "./change-cart";

/**
 * Places the order the shopper saw at checkout and empties those lines from the cart. The
 * client sends the lines it showed (not "whatever the cart holds now") with one
 * idempotency key per attempt, so a retry, a double click or a resend after a reload is the
 * same request: it replays the first order instead of making a second one. Emptying the cart
 * is idempotent too, so a replay may safely do it again.
 */
export async function checkOut(
  db: Database,
  queue: StepQueue,
  shopperId: string,
  order: Omit<PlaceOrderInput, "user_id">,
  idempotencyKey: string,
): Promise<OrderView> {
  const result = await placeOrder(db, queue, { shopperId, body: order, idempotencyKey });
  await removeFromCart(db, shopperId, order.items.map((item) => item.sku));
  return getOrder(db, shopperId, result.orderId);
}
