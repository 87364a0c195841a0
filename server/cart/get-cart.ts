import "server-only";
import { asc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { cartLines, products } from "@/server/db/schema";

export type CartLineView = { sku: string; name: string; quantity: number; unit_price_cents: number; line_total_cents: number; in_stock: number };
export type CartView = { lines: CartLineView[]; item_count: number; total_cents: number; currency: string };

/** The shopper's cart priced from the catalog now: the server alone computes totals. */
export async function getCart(db: DbOrTx, shopperId: string): Promise<CartView> {
  const rows = await db
    .select({ sku: cartLines.sku, quantity: cartLines.quantity, name: products.name, priceCents: products.priceCents, stock: products.stock })
    .from(cartLines)
    .innerJoin(products, eq(products.sku, cartLines.sku))
    .where(eq(cartLines.shopperId, shopperId))
    .orderBy(asc(cartLines.addedAt), asc(cartLines.sku));
  const lines = rows.map((r) => ({
    sku: r.sku,
    name: r.name,
    quantity: r.quantity,
    unit_price_cents: r.priceCents,
    line_total_cents: r.priceCents * r.quantity,
    in_stock: r.stock,
  }));
  return {
    lines,
    item_count: lines.reduce((n, l) => n + l.quantity, 0),
    total_cents: lines.reduce((n, l) => n + l.line_total_cents, 0),
    currency: "USD",
  };
}
