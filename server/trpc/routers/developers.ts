import "server-only";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { createWebhookEndpointInputSchema, updateWebhookEndpointInputSchema } from "@/lib/contract";
import { createOwnApiKey } from "@/server/auth/create-own-api-key";
import { listApiKeys } from "@/server/auth/list-api-keys";
import { revokeApiKey } from "@/server/auth/revoke-api-key";
import { notFound } from "@/server/errors";
import { createWebhookEndpoint } from "@/server/webhooks/create-webhook-endpoint";
import { deleteWebhookEndpoint } from "@/server/webhooks/delete-webhook-endpoint";
import { assertAccount } from "@/server/webhooks/find-owned-endpoint";
import { listWebhookDeliveries, MAX_DELIVERY_PAGE_SIZE } from "@/server/webhooks/list-webhook-deliveries";
import { listWebhookEndpoints } from "@/server/webhooks/list-webhook-endpoints";
import { retryWebhookDelivery } from "@/server/webhooks/retry-webhook-delivery";
import { rotateWebhookSecret } from "@/server/webhooks/rotate-webhook-secret";
import { updateWebhookEndpoint } from "@/server/webhooks/update-webhook-endpoint";
import { protectedProcedure } from "../init";

/** Signed-in accounts only: a guest is a 403 (its keys and endpoints could never be found again). */
const accountProcedure = protectedProcedure.use(({ ctx, next }) => {
  assertAccount(ctx.shopper);
  return next();
});

const id = (max = 64) => z.string().min(1).max(max);
const endpointRef = z.object({ endpointId: id() }).strict();

/**
 * /account/developers (CONTRACT §7): the account's API keys and webhook endpoints, over the
 * same services as the REST API (docs/api.md), with the same owner checks.
 */
export const developersRouter = {
  apiKeys: accountProcedure.query(async ({ ctx }) =>
    (await listApiKeys(ctx.db, ctx.shopper.id)).map((k) => ({ id: k.id, prefix: k.prefix, createdAt: k.createdAt.toISOString(), lastUsedAt: k.lastUsedAt?.toISOString() ?? null, revokedAt: k.revokedAt?.toISOString() ?? null })),
  ),
  /** The key itself is in this answer only: it is stored hashed. */
  createApiKey: accountProcedure.mutation(({ ctx }) => createOwnApiKey(ctx.db, ctx.shopper)),
  revokeApiKey: accountProcedure.input(z.object({ keyId: id() }).strict()).mutation(async ({ ctx, input }) => {
    const outcome = await revokeApiKey(ctx.db, input.keyId, { shopperId: ctx.shopper.id });
    if (outcome.kind === "not_found" || outcome.kind === "ambiguous") throw notFound(`No API key ${input.keyId}.`);
    return { id: outcome.key.id };
  }),
  endpoints: accountProcedure.query(({ ctx }) => listWebhookEndpoints(ctx.db, ctx.shopper.id)),
  createEndpoint: accountProcedure
    .input(createWebhookEndpointInputSchema)
    .mutation(({ ctx, input }) => createWebhookEndpoint(ctx.db, ctx.shopper.id, input, { allowPrivate: ctx.services.config.WEBHOOK_ALLOW_PRIVATE_TARGETS })),
  updateEndpoint: accountProcedure
    .input(z.object({ endpointId: id(), patch: updateWebhookEndpointInputSchema }).strict())
    .mutation(({ ctx, input }) => updateWebhookEndpoint(ctx.db, ctx.shopper.id, input.endpointId, input.patch, { allowPrivate: ctx.services.config.WEBHOOK_ALLOW_PRIVATE_TARGETS })),
  deleteEndpoint: accountProcedure.input(endpointRef).mutation(async ({ ctx, input }) => {
    await deleteWebhookEndpoint(ctx.db, ctx.shopper.id, input.endpointId);
    return { id: input.endpointId };
  }),
  rotateSecret: accountProcedure.input(endpointRef).mutation(({ ctx, input }) => rotateWebhookSecret(ctx.db, ctx.shopper.id, input.endpointId)),
  deliveries: accountProcedure
    .input(z.object({ endpointId: id(), cursor: z.string().max(64).nullish(), limit: z.number().int().min(1).max(MAX_DELIVERY_PAGE_SIZE).optional() }).strict())
    .query(({ ctx, input }) => listWebhookDeliveries(ctx.db, ctx.shopper.id, input.endpointId, { cursor: input.cursor, limit: input.limit })),
  retryDelivery: accountProcedure
    .input(z.object({ endpointId: id(), messageId: id() }).strict())
    .mutation(({ ctx, input }) => retryWebhookDelivery(ctx.db, ctx.shopper.id, input.endpointId, input.messageId)),
} satisfies TRPCRouterRecord;
