import "server-only";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { placeOrderInputSchema } from "@/lib/contract";
import { stepQueue } from "@/server/pipeline/step-queue";
import { cancelOrder } from "@/server/orders/cancel-order";
import { getOrder } from "@/server/orders/get-order";
import { listOrders } from "@/server/orders/list-orders";
import { placeOrder } from "@/server/orders/place-order";
import { protectedProcedure } from "../init";

const orderId = z.object({ orderId: z.string().min(1).max(64) });

/** The shopper's orders, over the same services as the REST API. */
export const ordersRouter = {
  place: protectedProcedure
    .input(z.object({ order: placeOrderInputSchema, idempotencyKey: z.string().min(1).max(255).optional() }))
    .mutation(async ({ ctx, input }) => {
      const result = await placeOrder(ctx.db, await stepQueue(), { shopperId: ctx.shopper.id, body: input.order, idempotencyKey: input.idempotencyKey });
      return { orderId: result.orderId };
    }),
  get: protectedProcedure.input(orderId).query(({ ctx, input }) => getOrder(ctx.db, ctx.shopper.id, input.orderId)),
  list: protectedProcedure
    .input(z.object({ cursor: z.string().nullish(), limit: z.number().int().min(1).max(100).optional() }).optional())
    .query(({ ctx, input }) => listOrders(ctx.db, ctx.shopper.id, { cursor: input?.cursor, limit: input?.limit })),
  cancel: protectedProcedure.input(orderId).mutation(async ({ ctx, input }) => cancelOrder(ctx.db, await stepQueue(), ctx.shopper.id, input.orderId)),
} satisfies TRPCRouterRecord;
