import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { addToCart } from "@/server/cart/change-cart";
import { getCart } from "@/server/cart/get-cart";
import { idempotencyKeys, orders } from "@/server/db/schema";
import { placeOrder } from "@/server/orders/place-order";
import { useServiceDatabase } from "@/tests/support/service-database";
import { adoptGuestShopper } from "./adopt-guest-shopper";

const svc = useServiceDatabase();
const BODY = { items: [{ sku: "GADGET-7", quantity: 1 }], payment_method: "pm_visa_4242" };

describe("adoptGuestShopper", () => {
  it("moves the guest's orders and idempotency keys and merges the carts, once", async () => {
    const { db, queue, newShopperId } = svc();
    const [guest, account] = [await newShopperId(), await newShopperId()];
    const placed = await placeOrder(db, queue, { shopperId: guest, body: BODY, idempotencyKey: "attempt-1" });
    await addToCart(db, guest, "WIDGET-42", 2);
    await addToCart(db, guest, "GADGET-7", 1);
    await addToCart(db, account, "WIDGET-42", 1);

    await adoptGuestShopper(db, guest, account);
    await adoptGuestShopper(db, guest, account);

    const [order] = await db.select().from(orders).where(eq(orders.id, placed.orderId));
    expect(order?.shopperId).toBe(account);
    expect(await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.shopperId, account))).toHaveLength(1);
    const cart = await getCart(db, account);
    expect(cart.lines.map((l) => [l.sku, l.quantity]).sort()).toEqual([
      ["GADGET-7", 1],
      ["WIDGET-42", 3],
    ]);
    expect(cart.total_cents).toBe(3 * 2499 + 1250);
    expect((await getCart(db, guest)).lines).toEqual([]);
    // The key still replays the same order for the account: a retry after sign-up is not a second order.
    const replay = await placeOrder(db, queue, { shopperId: account, body: BODY, idempotencyKey: "attempt-1" });
    expect(replay).toMatchObject({ kind: "replayed", orderId: placed.orderId });
  });
});
