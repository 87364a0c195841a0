import "server-only";
import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { products } from "@/server/db/schema";
import { badRequest, notFound } from "@/server/errors";
import { newId } from "@/server/ids";
import type { StepQueue } from "@/server/pipeline/step-queue";

/** Adds stock and, in the same transaction, queues the resumption of orders waiting for it (inside a caller's transaction, a savepoint of it). */
export async function restockProduct(db: DbOrTx, queue: StepQueue, sku: string, quantity: number): Promise<{ sku: string; stock: number }> {
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > 1_000_000) {
    throw badRequest("quantity must be a whole number between 1 and 1,000,000.");
  }
  return db.transaction(async (tx) => {
    const [product] = await tx
      .update(products)
      .set({ stock: sql`${products.stock} + ${quantity}`, updatedAt: sql`now()` })
      .where(eq(products.sku, sku))
      .returning({ sku: products.sku, stock: products.stock });
    if (!product) throw notFound(`No product ${sku}.`);
    // Every restock deserves its own pass, so the job's key is unique per call.
    await queue.advance(tx, "restockProduct", "restocked", { sku, restockId: newId("evt") });
    return product;
  });
}
