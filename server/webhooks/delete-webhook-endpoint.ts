import "server-only";
import { eq } from "drizzle-orm";
import type { Database } from "@/server/db/client";
import { webhookEndpoints } from "@/server/db/schema";
import { findOwnedEndpoint } from "./find-owned-endpoint";

/** DELETE /api/webhook-endpoints/{id}: the endpoint, its messages and attempts (cascade); jobs still queued find no message and do nothing. */
export async function deleteWebhookEndpoint(db: Database, shopperId: string, endpointId: string): Promise<void> {
  await findOwnedEndpoint(db, shopperId, endpointId);
  await db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
}
