import "server-only";
import { sql } from "drizzle-orm";
import { builtOnce } from "@/server/db/built-once";
import type { Database } from "@/server/db/client";
import { webhookLog, type WebhookOutcome } from "@/server/db/schema";
import { loggerFor } from "@/server/logging/logger";

const log = loggerFor("webhooks");

const MAX_LOGGED_BYTES = 16 * 1024;

/** The outcomes this module logs: a handled delivery (`processed`, `duplicate`) is logged by the statement that handles it. */
type RefusedOutcome = Exclude<WebhookOutcome, "processed" | "duplicate">;

export type WebhookDelivery = { outcome: RefusedOutcome; raw: Buffer; webhookId?: string | null; orderId?: string | null; event?: string | null; detail?: string };

/**
 * Records a signed delivery to /webhooks/payments that was refused (not JSON, off the schema,
 * an unknown order). Best effort: the log is for people, so a failure to write it never
 * changes the provider's answer. A delivery that was handled is logged by the statement that
 * handles it (handle-payment-webhook.ts, decision 057).
 */
export async function logWebhookDelivery(db: Database, delivery: WebhookDelivery): Promise<void> {
  await logRow(db, {
    outcome: delivery.outcome,
    webhookId: delivery.webhookId ?? null,
    orderId: delivery.orderId ?? null,
    event: delivery.event ?? null,
    detail: delivery.detail ?? null,
    payload: loggedPayload(delivery.raw),
  }).catch((err: Error) => log.error({ err, order_id: delivery.orderId }, "could not log a delivery"));
}

/** The body as the log keeps it: as received, cut at 16 KiB. */
export function loggedPayload(raw: Buffer): string {
  return raw.subarray(0, MAX_LOGGED_BYTES).toString("utf8");
}

/** Every payment webhook writes one: built once (decision 046). */
const logRow = builtOnce((db) =>
  db.insert(webhookLog).values({
    outcome: sql.placeholder("outcome"),
    webhookId: sql.placeholder("webhookId"),
    orderId: sql.placeholder("orderId"),
    event: sql.placeholder("event"),
    detail: sql.placeholder("detail"),
    payload: sql.placeholder("payload"),
  }),
);
