import "server-only";
import type { WebhookEndpointView } from "@/lib/contract";
import type { DbOrTx } from "@/server/db/client";
import { findOwnedEndpoint } from "./find-owned-endpoint";
import { webhookEndpointView } from "./webhook-endpoint-view";

/** GET /api/webhook-endpoints/{id}. */
export async function getWebhookEndpoint(db: DbOrTx, shopperId: string, endpointId: string): Promise<WebhookEndpointView> {
  return webhookEndpointView(await findOwnedEndpoint(db, shopperId, endpointId));
}
