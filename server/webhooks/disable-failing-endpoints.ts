import "server-only";
import { and, eq, isNotNull, lte, sql } from "drizzle-orm";
import type { Database } from "@/server/db/client";
import { shoppers, webhookEndpoints } from "@/server/db/schema";
import type { EmailService } from "@/server/email/email-service";

/** An endpoint whose every delivery has failed for this long is disabled (CONTRACT §8). */
export const DISABLE_AFTER_FAILING_MS = 5 * 24 * 3600 * 1000;
export const FAILING_REASON = "Every delivery failed for 5 days.";

/**
 * Disables the endpoints (one, or all) that have failed every delivery for 5 days and emails
 * their owners. The email is owed (`owner_notice_pending`) from the moment the endpoint is
 * disabled, in the same statement, and sent with an idempotency key: a failed send is tried
 * again by the next call (the hourly maintenance makes one), and a repeated one is sent once.
 */
export async function disableFailingEndpoints(db: Database, email: EmailService, options: { endpointId?: string; now?: Date } = {}): Promise<number> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - DISABLE_AFTER_FAILING_MS);
  const disabled = await db
    .update(webhookEndpoints)
    .set({ status: "disabled", disabledReason: FAILING_REASON, disabledAt: sql`now()`, ownerNoticePending: true, updatedAt: sql`now()` })
    .where(
      and(
        options.endpointId ? eq(webhookEndpoints.id, options.endpointId) : undefined,
        eq(webhookEndpoints.status, "enabled"),
        isNotNull(webhookEndpoints.failingSince),
        lte(webhookEndpoints.failingSince, cutoff),
      ),
    )
    .returning({ id: webhookEndpoints.id });
  await sendOwedNotices(db, email, options.endpointId);
  return disabled.length;
}

async function sendOwedNotices(db: Database, email: EmailService, endpointId?: string): Promise<void> {
  const owed = await db
    .select({ id: webhookEndpoints.id, url: webhookEndpoints.url, reason: webhookEndpoints.disabledReason, disabledAt: webhookEndpoints.disabledAt, to: shoppers.email })
    .from(webhookEndpoints)
    .innerJoin(shoppers, eq(shoppers.id, webhookEndpoints.shopperId))
    .where(and(eq(webhookEndpoints.ownerNoticePending, true), endpointId ? eq(webhookEndpoints.id, endpointId) : undefined));
  for (const endpoint of owed) {
    await email.send({
      idempotencyKey: `webhook_endpoint_disabled_${endpoint.id}_${endpoint.disabledAt?.getTime() ?? 0}`,
      to: endpoint.to,
      template: "webhook_endpoint_disabled",
      subject: "A webhook endpoint of yours was disabled",
      body: `Conveyor disabled your webhook endpoint ${endpoint.url} (${endpoint.id}): ${endpoint.reason ?? "it kept failing"} Fix the receiver, then enable it again on /account/developers or with PATCH /api/webhook-endpoints/${endpoint.id} {"status":"enabled"}.`,
    });
    await db.update(webhookEndpoints).set({ ownerNoticePending: false }).where(eq(webhookEndpoints.id, endpoint.id));
  }
}
