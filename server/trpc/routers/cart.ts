import "server-only";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { idempotencyKeySchema, MAX_LINE_QUANTITY, placeOrderInputSchema, skuSchema } from "@/lib/contract";
import { checkOut } from "@/server/cart/check-out";
import { addToCart, removeFromCart, setCartQuantity } from "@/server/cart/change-cart";
import { getCart, type CartView } from "@/server/cart/get-cart";
import { ownReadProcedure, protectedProcedure, shopperProcedure } from "../init";

const EMPTY_CART: CartView = { lines: [], item_count: 0, total_cents: 0, currency: "USD" };

/**
 * The signed-in (or guest) shopper's server-side cart. Every change answers the new cart. A
 * visitor without a session has an empty cart; their first `add` makes them a guest.
 */
export const cartRouter = {
  get: ownReadProcedure.query(({ ctx }) => (ctx.shopper ? getCart(ctx.db, ctx.shopper.id) : EMPTY_CART)),
  add: shopperProcedure
    .input(z.object({ sku: skuSchema, quantity: z.number().int().min(1).max(MAX_LINE_QUANTITY).default(1) }))
    .mutation(async ({ ctx, input }) => {
      await addToCart(ctx.db, ctx.shopper.id, input.sku, input.quantity);
      return getCart(ctx.db, ctx.shopper.id);
    }),
  setQuantity: protectedProcedure
    .input(z.object({ sku: skuSchema, quantity: z.number().int().min(0).max(MAX_LINE_QUANTITY) }))
    .mutation(async ({ ctx, input }) => {
      await setCartQuantity(ctx.db, ctx.shopper.id, input.sku, input.quantity);
      return getCart(ctx.db, ctx.shopper.id);
    }),
  remove: protectedProcedure.input(z.object({ sku: skuSchema })).mutation(async ({ ctx, input }) => {
    await removeFromCart(ctx.db, ctx.shopper.id, [input.sku]);
    return getCart(ctx.db, ctx.shopper.id);
  }),
  /** Places the order shown at checkout (one idempotency key per attempt) and answers it in full. */
  checkout: shopperProcedure
    .input(z.object({ order: placeOrderInputSchema.omit({ user_id: true }), idempotencyKey: idempotencyKeySchema }))
    .mutation(async ({ ctx, input }) => checkOut(ctx.db, (await ctx.services.jobs()).steps, ctx.shopper.id, input.order, input.idempotencyKey)),
} satisfies TRPCRouterRecord;
