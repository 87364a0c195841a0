import "server-only";
import { eq, sql } from "drizzle-orm";
import type { UpdateWebhookEndpointInput, WebhookEndpointView } from "@/lib/contract";
import type { Database } from "@/server/db/client";
import { webhookEndpoints } from "@/server/db/schema";
import { checkedTarget } from "./checked-target";
import { findOwnedEndpoint } from "./find-owned-endpoint";
import { webhookEndpointView } from "./webhook-endpoint-view";
import type { TargetPolicy } from "./webhook-targets";

/**
 * PATCH /api/webhook-endpoints/{id}: a new URL passes the registration checks again; enabling
 * clears why it was disabled and its failing streak (the owner says the receiver is fixed).
 * Messages failed while it was disabled stay failed: the delivery log's Retry sends them.
 */
export async function updateWebhookEndpoint(db: Database, shopperId: string, endpointId: string, input: UpdateWebhookEndpointInput, policy: TargetPolicy): Promise<WebhookEndpointView> {
  await findOwnedEndpoint(db, shopperId, endpointId);
  const url = input.url === undefined ? undefined : await checkedTarget(input.url, policy);
  const enabling = input.status === "enabled";
  const disabling = input.status === "disabled";
  const [row] = await db
    .update(webhookEndpoints)
    .set({
      ...(url === undefined ? {} : { url }),
      ...(input.events === undefined ? {} : { events: input.events }),
      ...(input.description === undefined ? {} : { description: input.description }),
      ...(enabling ? { status: "enabled" as const, disabledReason: null, disabledAt: null, failingSince: null, ownerNoticePending: false } : {}),
      ...(disabling ? { status: "disabled" as const, disabledReason: null, disabledAt: sql`coalesce(${webhookEndpoints.disabledAt}, now())` } : {}),
      updatedAt: sql`now()`,
    })
    .where(eq(webhookEndpoints.id, endpointId))
    .returning();
  return webhookEndpointView(row!);
}
