import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { MAX_LINE_QUANTITY } from "@/lib/contract";
import type { DbOrTx } from "@/server/db/client";
import { cartLines, products } from "@/server/db/schema";
import { unprocessable } from "@/server/errors";

async function assertKnownSku(db: DbOrTx, sku: string): Promise<void> {
  const [product] = await db.select({ sku: products.sku }).from(products).where(eq(products.sku, sku));
  if (!product) throw unprocessable("unknown_sku", `Unknown SKU: ${sku}.`, { unknown_skus: [sku] });
}

/** Adds units of a product (a second add of the same SKU raises its quantity, capped). */
export async function addToCart(db: DbOrTx, shopperId: string, sku: string, quantity: number): Promise<void> {
  await assertKnownSku(db, sku);
  await db
    .insert(cartLines)
    .values({ shopperId, sku, quantity: Math.min(quantity, MAX_LINE_QUANTITY) })
    .onConflictDoUpdate({
      target: [cartLines.shopperId, cartLines.sku],
      set: { quantity: sql`LEAST(${cartLines.quantity} + EXCLUDED.quantity, ${MAX_LINE_QUANTITY})` },
    });
}

/** Sets a line's quantity; 0 removes it. */
export async function setCartQuantity(db: DbOrTx, shopperId: string, sku: string, quantity: number): Promise<void> {
  if (quantity === 0) return removeFromCart(db, shopperId, [sku]);
  await assertKnownSku(db, sku);
  await db
    .insert(cartLines)
    .values({ shopperId, sku, quantity })
    .onConflictDoUpdate({ target: [cartLines.shopperId, cartLines.sku], set: { quantity } });
}

export async function removeFromCart(db: DbOrTx, shopperId: string, skus: string[]): Promise<void> {
  if (skus.length === 0) return;
  await db.delete(cartLines).where(and(eq(cartLines.shopperId, shopperId), inArray(cartLines.sku, skus)));
}
