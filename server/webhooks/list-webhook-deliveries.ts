import "server-only";
import { and, asc, desc, eq, inArray, lt } from "drizzle-orm";
import type { WebhookDeliveryView } from "@/lib/contract";
import type { WebhookEventType } from "@/lib/webhook-types";
import type { DbOrTx } from "@/server/db/client";
import { webhookAttempts, webhookMessages, type WebhookAttempt, type WebhookMessage } from "@/server/db/schema";
import { pageSize, seqCursor } from "@/server/http/keyset-page";
import { findOwnedEndpoint } from "./find-owned-endpoint";

export const DEFAULT_DELIVERY_PAGE_SIZE = 20;
export const MAX_DELIVERY_PAGE_SIZE = 100;

/** Opaque keyset cursor: the arrival number of the last message of the previous page. */
const cursor = seqCursor("m");

/** GET /api/webhook-endpoints/{id}/deliveries: the endpoint's messages, newest first, each with every attempt. */
export async function listWebhookDeliveries(
  db: DbOrTx,
  shopperId: string,
  endpointId: string,
  options: { cursor?: string | null; limit?: number } = {},
): Promise<{ data: WebhookDeliveryView[]; next_cursor: string | null }> {
  await findOwnedEndpoint(db, shopperId, endpointId);
  const limit = pageSize(options.limit, DEFAULT_DELIVERY_PAGE_SIZE, MAX_DELIVERY_PAGE_SIZE);
  const before = options.cursor ? cursor.decode(options.cursor) : undefined;
  const rows = await db
    .select()
    .from(webhookMessages)
    .where(and(eq(webhookMessages.endpointId, endpointId), before === undefined ? undefined : lt(webhookMessages.seq, before)))
    .orderBy(desc(webhookMessages.seq))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { data: await deliveryViews(db, page), next_cursor: rows.length > limit && last ? cursor.encode(last.seq) : null };
}

/** The views of some messages, with their attempts in one query. */
export async function deliveryViews(db: DbOrTx, messages: WebhookMessage[]): Promise<WebhookDeliveryView[]> {
  if (messages.length === 0) return [];
  const attempts = await db
    .select()
    .from(webhookAttempts)
    .where(inArray(webhookAttempts.messageId, messages.map((m) => m.id)))
    .orderBy(asc(webhookAttempts.messageId), asc(webhookAttempts.attempt));
  const byMessage = new Map<string, WebhookAttempt[]>();
  for (const attempt of attempts) byMessage.set(attempt.messageId, [...(byMessage.get(attempt.messageId) ?? []), attempt]);
  return messages.map((m) => ({
    message_id: m.id,
    type: m.type as WebhookEventType,
    state: m.state,
    attempts: (byMessage.get(m.id) ?? []).map((a) => ({
      at: a.at.toISOString(),
      ...(a.statusCode === null ? {} : { status_code: a.statusCode }),
      duration_ms: a.durationMs,
      ...(a.error === null ? {} : { error: a.error }),
    })),
    ...(m.state === "pending" && m.nextAttemptAt ? { next_attempt_at: m.nextAttemptAt.toISOString() } : {}),
  }));
}
