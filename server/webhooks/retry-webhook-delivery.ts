import "server-only";
import { and, eq } from "drizzle-orm";
import type { WebhookDeliveryView } from "@/lib/contract";
import type { Database } from "@/server/db/client";
import { webhookMessages } from "@/server/db/schema";
import { conflict, notFound } from "@/server/errors";
import { scheduleDelivery } from "./deliver-webhook-message";
import { findOwnedEndpoint } from "./find-owned-endpoint";
import { deliveryViews } from "./list-webhook-deliveries";

/**
 * POST /api/webhook-endpoints/{id}/deliveries/{message_id}/retry → 202: the message is sent
 * again now, whatever its state (same id, same body: receivers dedupe). A new job replaces the
 * scheduled one, which then finds itself stale. A failed message gets one more attempt; a
 * pending one keeps its remaining schedule. 409 while an attempt is in flight, or while the
 * endpoint is disabled (enable it first).
 */
export async function retryWebhookDelivery(db: Database, shopperId: string, endpointId: string, messageId: string): Promise<WebhookDeliveryView> {
  return db.transaction(async (tx) => {
    const endpoint = await findOwnedEndpoint(tx, shopperId, endpointId);
    const [message] = await tx
      .select()
      .from(webhookMessages)
      .where(and(eq(webhookMessages.id, messageId), eq(webhookMessages.endpointId, endpoint.id)))
      .for("update");
    if (!message) throw notFound(`No delivery ${messageId} for endpoint ${endpointId}.`);
    if (endpoint.status !== "enabled") throw conflict("endpoint_disabled", "The endpoint is disabled; enable it before retrying its deliveries.");
    if (message.claimedUntil && message.claimedUntil > new Date()) throw conflict("delivery_in_progress", "An attempt of this delivery is under way; retry once it is recorded.");
    await tx.update(webhookMessages).set({ state: "pending" }).where(eq(webhookMessages.id, message.id));
    await scheduleDelivery(tx, message.id, endpoint.id, null);
    const [updated] = await tx.select().from(webhookMessages).where(eq(webhookMessages.id, message.id));
    const [view] = await deliveryViews(tx, [updated!]);
    return view!;
  });
}
