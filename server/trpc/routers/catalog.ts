import "server-only";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { getProduct } from "@/server/catalog/get-product";
import { listProducts } from "@/server/catalog/list-products";
import { publicProcedure } from "../init";

export const catalogRouter = {
  list: publicProcedure.query(({ ctx }) => listProducts(ctx.db)),
  /** One product by SKU, or null when there is none. */
  get: publicProcedure.input(z.object({ sku: z.string().min(1).max(200) }).strict()).query(({ ctx, input }) => getProduct(ctx.db, input.sku)),
} satisfies TRPCRouterRecord;
