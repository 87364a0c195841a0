/**
 * The names of outbound webhooks (CONTRACT §8): client-safe, shared by the schema, the
 * contract's zod schemas and the developer page.
 */
export const WEBHOOK_EVENT_TYPES = ["order.status_changed", "batch.completed"] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WEBHOOK_ENDPOINT_STATUSES = ["enabled", "disabled"] as const;
export type WebhookEndpointStatus = (typeof WEBHOOK_ENDPOINT_STATUSES)[number];

export const WEBHOOK_MESSAGE_STATES = ["pending", "delivered", "failed"] as const;
export type WebhookMessageState = (typeof WEBHOOK_MESSAGE_STATES)[number];

/** The pg-boss queue of deliveries (jobs/queues.ts creates it; the emission trigger of migration 0011 names it too). */
export const WEBHOOK_DELIVERY_QUEUE = "webhook.deliver";

/** Endpoints one owner may have. */
export const MAX_WEBHOOK_ENDPOINTS = 20;
export const MAX_WEBHOOK_URL_LENGTH = 2048;
export const MAX_WEBHOOK_DESCRIPTION_LENGTH = 500;
