import "server-only";
import { eq, sql } from "drizzle-orm";
import { MAX_LINE_QUANTITY } from "@/lib/contract";
import type { DbOrTx } from "@/server/db/client";
import { cartLines, idempotencyKeys, orders } from "@/server/db/schema";

/**
 * A guest who signs up or signs in keeps what they did as a guest: their orders and
 * idempotency keys move to the account, and their cart merges into its cart (quantities of
 * the same SKU add up). One transaction, so a failure leaves the guest intact. Running it
 * twice moves nothing the second time.
 */
export async function adoptGuestShopper(db: DbOrTx, guestId: string, accountId: string): Promise<void> {
  if (guestId === accountId) return;
  await db.transaction(async (tx) => {
    await tx.update(orders).set({ shopperId: accountId }).where(eq(orders.shopperId, guestId));
    await tx.execute(sql`
      INSERT INTO ${cartLines} (shopper_id, sku, quantity, added_at)
      SELECT ${accountId}, sku, quantity, added_at FROM ${cartLines} WHERE shopper_id = ${guestId}
      ON CONFLICT (shopper_id, sku) DO UPDATE
        SET quantity = LEAST(${cartLines.quantity} + EXCLUDED.quantity, ${MAX_LINE_QUANTITY})`);
    await tx.delete(cartLines).where(eq(cartLines.shopperId, guestId));
    // Keys are random per checkout attempt, so a clash with the account's own keys is not expected;
    // if one happens the account's key wins and the guest's copy goes with the guest.
    await tx.execute(sql`
      UPDATE ${idempotencyKeys} SET shopper_id = ${accountId}
      WHERE shopper_id = ${guestId}
        AND NOT EXISTS (SELECT 1 FROM ${idempotencyKeys} k WHERE k.shopper_id = ${accountId} AND k.key = ${idempotencyKeys}.key)`);
    await tx.delete(idempotencyKeys).where(eq(idempotencyKeys.shopperId, guestId));
  });
}
