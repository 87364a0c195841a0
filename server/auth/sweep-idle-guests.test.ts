import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { addToCart } from "@/server/cart/change-cart";
import { authSessions, cartLines, shoppers } from "@/server/db/schema";
import { placeOrder } from "@/server/orders/place-order";
import { useServiceDatabase } from "@/tests/support/service-database";
import { sweepIdleGuests } from "./sweep-idle-guests";

const svc = useServiceDatabase();
const HOUR = 3600_000;

let guests = 0;
/** A guest created `ageHours` ago with one session that expires `sessionEndsInHours` from now. */
async function guest(ageHours: number, sessionEndsInHours: number | null): Promise<string> {
  const { db } = svc();
  const id = `usr_sweep${++guests}${Date.now()}`;
  await db.insert(shoppers).values({ id, email: `${id}@guest.invalid`, isAnonymous: true, createdAt: new Date(Date.now() - ageHours * HOUR) });
  if (sessionEndsInHours !== null) {
    await db.insert(authSessions).values({ id: `ses_${id}`, token: `tok_${id}`, userId: id, expiresAt: new Date(Date.now() + sessionEndsInHours * HOUR) });
  }
  return id;
}

describe("sweepIdleGuests", () => {
  it("deletes only guests who can never come back and left no order, with their carts; a second run deletes nothing", async () => {
    const { db, queue, newShopperId } = svc();
    const gone = await guest(24 * 10, -24 * 3); // every session long expired
    const neverHadSession = await guest(48, null);
    const stillSignedIn = await guest(24 * 10, 24); // old, but its cookie still works
    const brandNew = await guest(1, null); // its first session may still be being written
    const withOrder = await guest(24 * 10, -24);
    await placeOrder(db, queue, { shopperId: withOrder, body: { items: [{ sku: "GADGET-7", quantity: 1 }], payment_method: "pm_visa_4242" }});
    const account = await newShopperId(); // a real account is never swept, whatever its sessions
    await addToCart(db, gone, "WIDGET-42", 2);

    expect(await sweepIdleGuests(db)).toBe(2);
    expect(await sweepIdleGuests(db)).toBe(0);

    const left = await db.select({ id: shoppers.id }).from(shoppers).where(inArray(shoppers.id, [gone, neverHadSession, stillSignedIn, brandNew, withOrder, account]));
    expect(left.map((s) => s.id).sort()).toEqual([stillSignedIn, brandNew, withOrder, account].sort());
    expect(await db.select().from(cartLines).where(eq(cartLines.shopperId, gone))).toEqual([]);
  });
});
