import "server-only";
import { count, eq } from "drizzle-orm";
import type { CreateWebhookEndpointInput, WebhookEndpointView } from "@/lib/contract";
import { MAX_WEBHOOK_ENDPOINTS, WEBHOOK_EVENT_TYPES } from "@/lib/webhook-types";
import type { Database } from "@/server/db/client";
import { shoppers, webhookEndpoints } from "@/server/db/schema";
import { conflict } from "@/server/errors";
import { newId } from "@/server/ids";
import { newEndpointSecret } from "./sign-delivery";
import { checkedTarget } from "./checked-target";
import { webhookEndpointView } from "./webhook-endpoint-view";
import type { TargetPolicy } from "./webhook-targets";

/**
 * Registers an endpoint (POST /api/webhook-endpoints): the URL must pass the target checks
 * (400 otherwise), an owner has at most MAX_WEBHOOK_ENDPOINTS (409 `too_many_endpoints`,
 * counted under a lock on the owner so two requests at once cannot both slip in), and the
 * answer carries the secret, which is never shown again.
 */
export async function createWebhookEndpoint(db: Database, shopperId: string, input: CreateWebhookEndpointInput, policy: TargetPolicy): Promise<WebhookEndpointView & { secret: string }> {
  const url = await checkedTarget(input.url, policy);
  return db.transaction(async (tx) => {
    await tx.select({ id: shoppers.id }).from(shoppers).where(eq(shoppers.id, shopperId)).for("update");
    const [existing] = await tx.select({ n: count() }).from(webhookEndpoints).where(eq(webhookEndpoints.shopperId, shopperId));
    if ((existing?.n ?? 0) >= MAX_WEBHOOK_ENDPOINTS) {
      throw conflict("too_many_endpoints", `An account has at most ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints; delete one first.`);
    }
    const [row] = await tx
      .insert(webhookEndpoints)
      .values({
        id: newId("we"),
        shopperId,
        url,
        description: input.description ?? "",
        events: input.events ?? [...WEBHOOK_EVENT_TYPES],
        secret: newEndpointSecret(),
      })
      .returning();
    return { ...webhookEndpointView(row!), secret: row!.secret };
  });
}
