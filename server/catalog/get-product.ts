import "server-only";
import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { products } from "@/server/db/schema";
import { productView, type ProductView } from "./list-products";

export async function getProduct(db: DbOrTx, sku: string): Promise<ProductView | undefined> {
  const [product] = await db.select().from(products).where(eq(products.sku, sku));
  return product ? productView(product) : undefined;
}
