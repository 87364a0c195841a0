import "server-only";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { cancelBatch } from "@/server/batches/cancel-batch";
import { listBatches, MAX_BATCH_PAGE_SIZE } from "@/server/batches/list-batches";
import { forbidden } from "@/server/errors";
import { protectedProcedure } from "../init";

/** Batches are an account's (a guest's would outlive the guest): a guest session gets 403, as from POST /api/batches. */
function requireAccount(shopper: { isAnonymous: boolean }): void {
  if (shopper.isAnonymous) throw forbidden("Batches are for signed-in accounts.");
}

/**
 * /account/batches' procedures, over the same services as the REST API (the upload itself is
 * POST /api/batches: an NDJSON body is what that route reads, with its caps, as it streams).
 */
export const batchesRouter = {
  list: protectedProcedure
    .input(z.object({ cursor: z.string().max(128).nullish(), limit: z.number().int().min(1).max(MAX_BATCH_PAGE_SIZE).optional() }).strict().optional())
    .query(({ ctx, input }) => {
      requireAccount(ctx.shopper);
      return listBatches(ctx.db, ctx.shopper.id, { cursor: input?.cursor, limit: input?.limit });
    }),
  cancel: protectedProcedure.input(z.object({ batchId: z.string().min(1).max(80) }).strict()).mutation(async ({ ctx, input }) => {
    requireAccount(ctx.shopper);
    return cancelBatch(ctx.db, (await ctx.services.jobs()).steps, ctx.shopper.id, input.batchId);
  }),
} satisfies TRPCRouterRecord;
