import "server-only";
import { eq, sql } from "drizzle-orm";
import { enqueueInTx, type JobSender } from "@/jobs/boss";
import { QUEUES, type ResumeBackordersJob } from "@/jobs/queues";
import type { Database } from "@/server/db/client";
import { products } from "@/server/db/schema";
import { badRequest, notFound } from "@/server/errors";
import { newId } from "@/server/ids";

/** Adds stock and, in the same transaction, queues the resumption of orders waiting for it. */
export async function restockProduct(db: Database, boss: JobSender, sku: string, quantity: number): Promise<{ sku: string; stock: number }> {
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
    const job: ResumeBackordersJob = { sku };
    // Every restock deserves its own pass, so the dedupe key is unique per call.
    await enqueueInTx(boss, tx, QUEUES.resumeBackorders, job, newId("evt"));
    return product;
  });
}
