import "server-only";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/server/db/client";
import { products } from "@/server/db/schema";
import { notFound } from "@/server/errors";
import { json } from "@/server/http/api-response";
import { readJsonBody } from "@/server/http/read-json-body";
import { restockProduct } from "@/server/inventory/restock-product";
import type { StepQueue } from "@/server/pipeline/step-queue";
import { parseInput, type TestControl } from "./test-control";

/** Up to the seed's "ample" stock, which is also the most one restock adds. */
const inputSchema = z.object({ stock: z.number().int().min(0).max(1_000_000) }).strict();

/**
 * Sets a SKU's available stock to `stock`. Raising it is a restock, through the same service
 * as /admin/inventory, so back-ordered orders waiting for the SKU resume as they would there
 * (asynchronously, in arrival order); lowering it takes units off the shelf and touches no
 * order. The row is locked while the difference is worked out, so a reservation running at the
 * same moment cannot make the result miss `stock`.
 */
export async function setStock(db: Database, queue: StepQueue, sku: string, stock: number): Promise<{ sku: string; stock: number }> {
  return db.transaction(async (tx) => {
    const [product] = await tx.select({ stock: products.stock }).from(products).where(eq(products.sku, sku)).for("update");
    if (!product) throw notFound(`No product ${sku}.`);
    if (stock > product.stock) return restockProduct(tx, queue, sku, stock - product.stock);
    const [updated] = await tx
      .update(products)
      .set({ stock, updatedAt: sql`now()` })
      .where(eq(products.sku, sku))
      .returning({ sku: products.sku, stock: products.stock });
    return updated!;
  });
}

/** PUT /api/test/stock/{sku} `{ "stock" }` → 200 `{ sku, stock }`. */
export const setStockControl: TestControl = {
  method: "PUT",
  path: ["stock", ":sku"],
  async serve(request, params, services) {
    const { stock } = parseInput(inputSchema, await readJsonBody(request), "The body");
    return json(200, await setStock(services.db, (await services.jobs()).steps, params.sku!, stock));
  },
};
