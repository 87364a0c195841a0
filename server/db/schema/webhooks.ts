import { sql } from "drizzle-orm";
import { bigserial, boolean, check, index, integer, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { WEBHOOK_ENDPOINT_STATUSES, WEBHOOK_MESSAGE_STATES } from "@/lib/webhook-types";
import { shoppers } from "./shoppers";

/**
 * Outbound webhooks (CONTRACT §8, docs/decisions/032-outbound-webhooks.md). An API client's
 * endpoints; one message per event per endpoint, written by the same transaction as the
 * event (the trigger of migration 0011); every delivery attempt of a message.
 */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    shopperId: text("shopper_id")
      .notNull()
      .references(() => shoppers.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    description: text("description").notNull().default(""),
    events: text("events").array().notNull(),
    status: text("status", { enum: WEBHOOK_ENDPOINT_STATUSES }).notNull().default("enabled"),
    disabledReason: text("disabled_reason"),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    // Disabled for failing: the owner's email is owed until it is sent (the hourly maintenance retries it).
    ownerNoticePending: boolean("owner_notice_pending").notNull().default(false),
    secret: text("secret").notNull(),
    // The secret a rotation retired: deliveries are signed with both until it expires (24 h).
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: timestamp("previous_secret_expires_at", { withTimezone: true }),
    // Since when every attempt has failed (null after any success): 5 days of it disables the endpoint.
    failingSince: timestamp("failing_since", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The owner's list, and the emission trigger's one probe per order event.
    index("webhook_endpoints_shopper_idx").on(t.shopperId, t.createdAt),
  ],
);

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;

export const webhookMessages = pgTable(
  "webhook_messages",
  {
    id: text("id").primaryKey(),
    // Arrival order: newest-first delivery logs page by it.
    seq: bigserial("seq", { mode: "number" }).notNull().unique(),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    orderId: text("order_id"),
    orderEventId: text("order_event_id"),
    batchId: text("batch_id"),
    state: text("state", { enum: WEBHOOK_MESSAGE_STATES }).notNull().default("pending"),
    attemptCount: integer("attempt_count").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    // The pg-boss job that is to make the next attempt: any other job for this message is stale and does nothing.
    jobId: uuid("job_id"),
    // A worker sending an attempt holds the message until then (a second run of the same job waits it out).
    claimedUntil: timestamp("claimed_until", { withTimezone: true }),
    // Built once, at the first attempt, so every retry sends the same bytes.
    body: text("body"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().default(sql`clock_timestamp()`),
  },
  (t) => [
    index("webhook_messages_endpoint_seq_idx").on(t.endpointId, t.seq.desc()),
    index("webhook_messages_created_idx").on(t.createdAt),
    check("webhook_messages_subject", sql`${t.orderId} IS NOT NULL OR ${t.batchId} IS NOT NULL`),
  ],
);

export type WebhookMessage = typeof webhookMessages.$inferSelect;

export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    messageId: text("message_id")
      .notNull()
      .references(() => webhookMessages.id, { onDelete: "cascade" }),
    // 1 for the first attempt: unique per message, so an attempt is never counted twice.
    attempt: integer("attempt").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    statusCode: integer("status_code"),
    durationMs: integer("duration_ms").notNull(),
    error: text("error"),
  },
  (t) => [unique("webhook_attempts_message_attempt_key").on(t.messageId, t.attempt)],
);

export type WebhookAttempt = typeof webhookAttempts.$inferSelect;
