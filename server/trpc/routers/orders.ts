import "server-only";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { idempotencyKeySchema, placeOrderInputSchema } from "@/lib/contract";
import { getBoss } from "@/jobs/boss";
import { cancelOrder } from "@/server/orders/cancel-order";
import { getOrder } from "@/server/orders/get-order";
import { listOrders, MAX_PAGE_SIZE } from "@/server/orders/list-orders";
import { placeOrder } from "@/server/orders/place-order";
import { protectedProcedure } from "../init";

// Strict like the REST bodies: an unknown field is a 400, never silently dropped.
const orderId = z.object({ orderId: z.string().min(1).max(64) }).strict();

/** The shopper's orders, over the same services as the REST API. */
export const ordersRouter = {
  place: protectedProcedure
    .input(z.object({ order: placeOrderInputSchema, idempotencyKey: idempotencyKeySchema.optional() }).strict())
    .mutation(async ({ ctx, input }) => {
      const result = await placeOrder(ctx.db, await getBoss(), { shopperId: ctx.shopper.id, body: input.order, idempotencyKey: input.idempotencyKey });
      return { orderId: result.orderId };
    }),
  get: protectedProcedure.input(orderId).query(({ ctx, input }) => getOrder(ctx.db, ctx.shopper.id, input.orderId)),
  list: protectedProcedure
    .input(z.object({ cursor: z.string().max(64).nullish(), limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional() }).strict().optional())
    .query(({ ctx, input }) => listOrders(ctx.db, ctx.shopper.id, { cursor: input?.cursor, limit: input?.limit })),
  cancel: protectedProcedure.input(orderId).mutation(async ({ ctx, input }) => cancelOrder(ctx.db, await getBoss(), ctx.shopper.id, input.orderId)),
} satisfies TRPCRouterRecord;
