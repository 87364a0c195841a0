import "server-only";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { skuSchema } from "@/lib/contract";
import { getProduct } from "@/server/catalog/get-product";
import { listProducts } from "@/server/catalog/list-products";
import { restockProduct } from "@/server/inventory/restock-product";
import { adminProcedure, publicProcedure } from "../init";

export const catalogRouter = {
  list: publicProcedure.query(({ ctx }) => listProducts(ctx.db)),
  /** One product by SKU, or null when there is none. */
  get: publicProcedure.input(z.object({ sku: z.string().min(1).max(200) }).strict()).query(({ ctx, input }) => getProduct(ctx.db, input.sku)),
  /** Adds stock and resumes back-ordered orders waiting for it, in arrival order. */
  restock: adminProcedure
    .input(z.object({ sku: skuSchema, quantity: z.number().int().min(1).max(1_000_000) }).strict())
    .mutation(async ({ ctx, input }) => restockProduct(ctx.db, (await ctx.services.jobs()).steps, input.sku, input.quantity)),
} satisfies TRPCRouterRecord;
