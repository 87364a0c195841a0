import "server-only";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { OVERVIEW_WINDOWS, type OverviewWindow } from "@/lib/admin-overview";
import { skuSchema } from "@/lib/contract";
import { downstreamUpdateSchema, listDownstreamSettings, updateDownstreamSettings } from "@/server/admin/downstream-settings";
import { getOrderTimeline } from "@/server/admin/get-order-timeline";
import { getOrderTrace } from "@/server/admin/get-order-trace";
import { getOverview } from "@/server/admin/get-overview";
import { getShopperExperience } from "@/server/admin/get-shopper-experience";
import { listInventory } from "@/server/admin/list-inventory";
import { listMailbox } from "@/server/admin/list-mailbox";
import { retryOrderStep } from "@/server/admin/retry-order-step";
import { orderSearchSchema, searchOrders } from "@/server/admin/search-orders";
import { restockProduct } from "@/server/inventory/restock-product";
import { labRunInputSchema, listLabRuns, startLabRun } from "@/server/lab/start-lab-run";
import { cancelOrder } from "@/server/orders/cancel-order";
import { decideReview } from "@/server/reviews/decide-review";
import { listReviews } from "@/server/reviews/list-reviews";
import { getManualReview, setManualReview } from "@/server/reviews/manual-review-setting";
import type { ProcessServices } from "@/server/process-services";
import { adminProcedure } from "../init";

const orderId = z.object({ orderId: z.string().min(1).max(64) });
/** The operator's view of the job system (server/pipeline/pipeline-jobs.ts). */
const pipelineJobs = async (services: ProcessServices) => (await services.jobs()).pipeline;

const windowInput = z.object({ window: z.enum(Object.keys(OVERVIEW_WINDOWS) as [OverviewWindow, ...OverviewWindow[]]).default("15m") }).optional();

/** The admin dashboard (decision 017): every procedure is admin-only, enforced here on the server. */
export const adminRouter = {
  overview: adminProcedure.input(windowInput).query(async ({ ctx, input }) => getOverview(ctx.db, await pipelineJobs(ctx.services), input?.window)),
  /** "What shoppers saw": the shop's beacons over the overview's window (decision 035). */
  shopperExperience: adminProcedure.input(windowInput).query(({ ctx, input }) => getShopperExperience(ctx.db, input?.window)),
  orders: adminProcedure.input(orderSearchSchema.partial({ limit: true })).query(({ ctx, input }) => searchOrders(ctx.db, input)),
  order: adminProcedure.input(orderId).query(async ({ ctx, input }) => getOrderTimeline(ctx.db, await pipelineJobs(ctx.services), input.orderId)),
  orderTrace: adminProcedure.input(orderId).query(({ ctx, input }) => getOrderTrace(ctx.db, input.orderId)),
  cancelOrder: adminProcedure.input(orderId).mutation(async ({ ctx, input }) => cancelOrder(ctx.db, (await ctx.services.jobs()).steps, null, input.orderId)),
  retryStep: adminProcedure
    .input(z.object({ orderId: z.string().min(1).max(64), queue: z.string().min(1).max(64) }))
    .mutation(async ({ ctx, input }) => retryOrderStep(await pipelineJobs(ctx.services), input.orderId, input.queue)),
  deadLetters: adminProcedure.query(async ({ ctx }) => (await pipelineJobs(ctx.services)).deadLetterGroups()),
  deadLetterJobs: adminProcedure
    .input(z.object({ fingerprint: z.string().min(1).max(64), cursor: z.string().min(1).max(100), limit: z.number().int().min(1).max(200).default(50) }))
    .query(async ({ ctx, input }) => (await pipelineJobs(ctx.services)).deadLetterPage(input.fingerprint, input.cursor, input.limit)),
  redrive: adminProcedure
    .input(z.union([z.object({ all: z.literal(true) }), z.object({ fingerprint: z.string().min(1).max(64) }), z.object({ jobId: z.string().uuid() })]))
    .mutation(async ({ ctx, input }) => (await pipelineJobs(ctx.services)).redriveDeadLetters(input)),
  inventory: adminProcedure.query(({ ctx }) => listInventory(ctx.db)),
  /** Adds stock and resumes back-ordered orders waiting for it, in arrival order (the one restock procedure). */
  restock: adminProcedure
    .input(z.object({ sku: skuSchema, quantity: z.number().int().min(1).max(1_000_000) }).strict())
    .mutation(async ({ ctx, input }) => restockProduct(ctx.db, (await ctx.services.jobs()).steps, input.sku, input.quantity)),
  mailbox: adminProcedure
    .input(z.object({ cursor: z.string().datetime().nullish(), limit: z.number().int().min(1).max(100).optional() }).optional())
    .query(({ ctx, input }) => listMailbox(ctx.db, { cursor: input?.cursor, limit: input?.limit })),
  services: adminProcedure.query(({ ctx }) => listDownstreamSettings(ctx.db)),
  updateService: adminProcedure.input(downstreamUpdateSchema).mutation(({ ctx, input }) => updateDownstreamSettings(ctx.db, input)),
  manualReview: adminProcedure.query(({ ctx }) => getManualReview(ctx.db)),
  setManualReview: adminProcedure.input(z.object({ enabled: z.boolean() })).mutation(({ ctx, input }) => setManualReview(ctx.db, input.enabled, ctx.shopper.id)),
  reviews: adminProcedure.query(({ ctx }) => listReviews(ctx.db)),
  decideReview: adminProcedure
    .input(z.object({ orderId: z.string().min(1).max(64), decision: z.enum(["approved", "rejected"]) }))
    .mutation(async ({ ctx, input }) =>
      decideReview(ctx.db, (await ctx.services.jobs()).steps, input.orderId, input.decision, { id: ctx.shopper.id, email: ctx.shopper.email }),
    ),
  labRuns: adminProcedure.query(({ ctx }) => listLabRuns(ctx.db)),
  startLabRun: adminProcedure.input(labRunInputSchema).mutation(async ({ ctx, input }) => startLabRun(ctx.db, await pipelineJobs(ctx.services), input)),
} satisfies TRPCRouterRecord;
