import "server-only";
import { asc, eq } from "drizzle-orm";
import type { WebhookEndpointView } from "@/lib/contract";
import type { DbOrTx } from "@/server/db/client";
import { webhookEndpoints } from "@/server/db/schema";
import { webhookEndpointView } from "./webhook-endpoint-view";

/** The shopper's endpoints, oldest first (at most MAX_WEBHOOK_ENDPOINTS, so one page). */
export async function listWebhookEndpoints(db: DbOrTx, shopperId: string): Promise<{ data: WebhookEndpointView[] }> {
  const rows = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.shopperId, shopperId)).orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
  return { data: rows.map(webhookEndpointView) };
}
