import "server-only";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { skuSchema } from "@/lib/contract";
import { getBoss } from "@/jobs/boss";
import { listProducts } from "@/server/catalog/list-products";
import { restockProduct } from "@/server/inventory/restock-product";
import { adminProcedure, publicProcedure } from "../init";

export const catalogRouter = {
  list: publicProcedure.query(({ ctx }) => listProducts(ctx.db)),
  /** Adds stock and resumes back-ordered orders waiting for it, in arrival order. */
  restock: adminProcedure
    .input(z.object({ sku: skuSchema, quantity: z.number().int().min(1).max(1_000_000) }).strict())
    .mutation(async ({ ctx, input }) => restockProduct(ctx.db, await getBoss(), input.sku, input.quantity)),
} satisfies TRPCRouterRecord;
