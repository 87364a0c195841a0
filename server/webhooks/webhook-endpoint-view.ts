import "server-only";
import type { WebhookEndpointView } from "@/lib/contract";
import type { WebhookEventType } from "@/lib/webhook-types";
import type { WebhookEndpoint } from "@/server/db/schema";

/** An endpoint as its owner sees it (docs/api.md): never its secrets. */
export function webhookEndpointView(row: WebhookEndpoint): WebhookEndpointView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events as WebhookEventType[],
    status: row.status,
    ...(row.status === "disabled" && row.disabledReason ? { disabled_reason: row.disabledReason } : {}),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
