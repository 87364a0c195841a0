import "server-only";
import { asc } from "drizzle-orm";
import { centsToMajor } from "@/lib/money";
import type { DbOrTx } from "@/server/db/client";
import { products, type Product } from "@/server/db/schema";

export type ProductView = { sku: string; name: string; description: string; price: number; price_cents: number; currency: string; in_stock: number };

export function productView(p: Product): ProductView {
  return {
    sku: p.sku,
    name: p.name,
    description: p.description,
    price: centsToMajor(p.priceCents),
    price_cents: p.priceCents,
    currency: p.currency,
    in_stock: p.stock,
  };
}

export async function listProducts(db: DbOrTx): Promise<ProductView[]> {
  const rows = await db.select().from(products).orderBy(asc(products.name));
  return rows.map(productView);
}
