import "server-only";
import { and, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import type { Database, Transaction } from "@/server/db/client";
import { orders, webhookAttempts, webhookEndpoints, webhookMessages, type WebhookEndpoint, type WebhookMessage } from "@/server/db/schema";
import { contextOf, inSpan, SpanKind, traceparentOf } from "@/server/telemetry/spans";
import type { EmailService } from "@/server/email/email-service";
import { buildMessageBody } from "./build-message-body";
import { disableFailingEndpoints } from "./disable-failing-endpoints";
import { nextAttemptDelay } from "./next-attempt-delay";
import type { DeliveryOutcome, EndpointPoster } from "./post-to-endpoint";
import { deliveryHeaders, traceparentFor } from "./sign-delivery";
import { loggerFor } from "@/server/logging/logger";

const log = loggerFor("webhooks");

export type DeliveryDependencies = {
  db: Database;
  post: EndpointPoster;
  email: EmailService;
  /** WEBHOOK_RETRY_SCHEDULE: seconds between attempts. */
  schedule: readonly number[];
  /** WEBHOOK_ENDPOINT_CONCURRENCY: attempts in flight at once per endpoint, across every worker. */
  endpointConcurrency: number;
};

/** What one job did, kept on the job for people reading it. */
export type DeliveryResult = "stale" | "busy" | "delivered" | "retrying" | "failed" | "endpoint_disabled" | "subject_gone";

/**
 * Longer than an attempt can take (15 s of HTTP and two short transactions): a second run of
 * the same job meanwhile finds the message claimed and does nothing; after a crash, the job's
 * pg-boss retry finds the claim lapsed and makes the attempt.
 */
const CLAIM_SECONDS = 90;

/**
 * Makes the attempt the job `jobId` was scheduled for (CONTRACT §8). Only the job named on the
 * message acts: a job run twice, one a manual retry replaced, or one for a message already
 * settled finds another id (or a claim) and does nothing, so no scheduled attempt is sent or
 * counted twice. The attempt is recorded with the message's new state and its next job in one
 * transaction, guarded by the attempt number.
 */
export async function deliverWebhookMessage(deps: DeliveryDependencies, messageId: string, jobId: string): Promise<DeliveryResult> {
  const { db } = deps;
  const claim = await claimMessage(db, messageId, jobId, deps.endpointConcurrency);
  if (claim === "busy") return "busy";
  const message = claim;
  if (!message) return "stale";
  const [endpoint] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, message.endpointId));
  if (!endpoint || endpoint.status !== "enabled") {
    await settleWithoutAttempt(db, message);
    return "endpoint_disabled";
  }
  const body = await storedBody(db, message);
  if (body === undefined) {
    await recordAttempt(deps, message, endpoint, new Date(), { error: "The subject of this message no longer exists.", durationMs: 0 }, { subjectGone: true });
    return "subject_gone";
  }
  // Each attempt is a CLIENT span in the order's trace (CONTRACT §10), and its traceparent rides on the request.
  const orderTrace = message.orderId ? await orderTraceParent(db, message.orderId) : null;
  const attributes = { "conveyor.webhook.message_id": message.id, "conveyor.webhook.endpoint_id": endpoint.id, "conveyor.webhook.attempt": message.attemptCount + 1, ...(message.orderId ? { "conveyor.order_id": message.orderId } : {}) };
  return inSpan("webhook.deliver", { kind: SpanKind.CLIENT, parent: orderTrace ? contextOf(orderTrace) : undefined, attributes }, async (span) => {
    const at = new Date();
    // With tracing off (no span store, no exporter) there is no active span to name: the trace id is then derived from the subject.
    const traceparent = traceparentOf() ?? orderTrace ?? traceparentFor(message.orderId ?? message.batchId ?? message.id);
    const headers = deliveryHeaders({ messageId: message.id, body, secrets: secretsInForce(endpoint, at), at, traceparent });
    const outcome = await deps.post(endpoint.url, headers, body);
    if (outcome.statusCode !== undefined) span.setAttribute("http.response.status_code", outcome.statusCode);
    return recordAttempt(deps, message, endpoint, at, outcome);
  });
}

async function orderTraceParent(db: Database, orderId: string): Promise<string | null> {
  const [order] = await db.select({ traceParent: orders.traceParent }).from(orders).where(eq(orders.id, orderId));
  return order?.traceParent ?? null;
}

/** How long a job waits when its endpoint already has its share of attempts in flight. */
const BUSY_RETRY_SECONDS = 2;

/**
 * Claims the message for the job `jobId`, holding one of its endpoint's
 * WEBHOOK_ENDPOINT_CONCURRENCY slots. pg-boss's groupConcurrency already keeps most jobs of a
 * busy endpoint queued, but its count is read by each fetch on its own, so fetches racing on
 * several workers can start one more than the bound (seen in e2e under load). Here the claims
 * of one endpoint take turns on a transaction-scoped advisory lock and count the claims still
 * in force, so the bound holds exactly; a job that finds the endpoint full hands its message
 * to a new job a moment later and does nothing else. Undefined: the job is stale.
 */
async function claimMessage(db: Database, messageId: string, jobId: string, limit: number): Promise<WebhookMessage | "busy" | undefined> {
  return db.transaction(async (tx) => {
    const [candidate] = await tx
      .select({ endpointId: webhookMessages.endpointId })
      .from(webhookMessages)
      .where(and(eq(webhookMessages.id, messageId), eq(webhookMessages.jobId, jobId), eq(webhookMessages.state, "pending")));
    if (!candidate) return undefined;
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`webhook-endpoint:${candidate.endpointId}`}, 0))`);
    const [inFlight] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(webhookMessages)
      .where(and(eq(webhookMessages.endpointId, candidate.endpointId), eq(webhookMessages.state, "pending"), gt(webhookMessages.claimedUntil, sql`now()`)));
    if ((inFlight?.n ?? 0) >= limit) {
      await scheduleDelivery(tx, messageId, candidate.endpointId, sql`now() + make_interval(secs => ${BUSY_RETRY_SECONDS})`);
      return "busy";
    }
    const [claimed] = await tx
      .update(webhookMessages)
      .set({ claimedUntil: sql`now() + make_interval(secs => ${CLAIM_SECONDS})` })
      .where(
        and(
          eq(webhookMessages.id, messageId),
          eq(webhookMessages.jobId, jobId),
          eq(webhookMessages.state, "pending"),
          or(isNull(webhookMessages.claimedUntil), lt(webhookMessages.claimedUntil, sql`now()`)),
        ),
      )
      .returning();
    return claimed;
  });
}

/** The body stored on the message, built now if this is its first attempt. */
async function storedBody(db: Database, message: WebhookMessage): Promise<string | undefined> {
  if (message.body !== null) return message.body;
  const built = await buildMessageBody(db, message);
  if (built === undefined) return undefined;
  // Two builders racing keep the first body: every attempt then sends those bytes.
  const [stored] = await db
    .update(webhookMessages)
    .set({ body: sql`coalesce(${webhookMessages.body}, ${built})` })
    .where(eq(webhookMessages.id, message.id))
    .returning({ body: webhookMessages.body });
  return stored?.body ?? built;
}

/** The current secret, and the rotated-out one while its 24 h overlap lasts. */
export function secretsInForce(endpoint: Pick<WebhookEndpoint, "secret" | "previousSecret" | "previousSecretExpiresAt">, at: Date): string[] {
  const previous = endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > at ? [endpoint.previousSecret] : [];
  return [endpoint.secret, ...previous];
}

/** A disabled (or deleted) endpoint gets nothing: the message is failed without an attempt, and can be retried once it is enabled again. */
async function settleWithoutAttempt(db: Database, message: WebhookMessage): Promise<void> {
  await db
    .update(webhookMessages)
    .set({ state: "failed", jobId: null, nextAttemptAt: null, claimedUntil: null })
    .where(and(eq(webhookMessages.id, message.id), eq(webhookMessages.attemptCount, message.attemptCount)));
}

async function recordAttempt(
  deps: DeliveryDependencies,
  message: WebhookMessage,
  endpoint: WebhookEndpoint,
  at: Date,
  outcome: DeliveryOutcome,
  // Nothing was sent: the message fails, and the endpoint's health is not the receiver's doing.
  options: { subjectGone?: boolean } = {},
): Promise<DeliveryResult> {
  const attempt = message.attemptCount + 1;
  const delivered = outcome.statusCode !== undefined && outcome.statusCode >= 200 && outcome.statusCode < 300;
  const gone = outcome.statusCode === 410;
  const delay = delivered || gone || options.subjectGone ? undefined : nextAttemptDelay(deps.schedule, attempt, outcome);
  const result: DeliveryResult = delivered ? "delivered" : delay === undefined ? "failed" : "retrying";
  const recorded = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(webhookAttempts)
      .values({ messageId: message.id, attempt, at, statusCode: outcome.statusCode ?? null, durationMs: outcome.durationMs, error: outcome.error ?? (delivered ? null : describeStatus(outcome)) })
      .onConflictDoNothing()
      .returning({ id: webhookAttempts.id });
    if (!row) return false;
    const [updated] = await tx
      .update(webhookMessages)
      .set({
        attemptCount: attempt,
        state: result === "retrying" ? "pending" : result,
        jobId: null,
        nextAttemptAt: null,
        claimedUntil: null,
      })
      .where(and(eq(webhookMessages.id, message.id), eq(webhookMessages.attemptCount, message.attemptCount)))
      .returning({ id: webhookMessages.id });
    if (!updated) throw new StaleAttempt();
    if (delay !== undefined) await scheduleDelivery(tx, message.id, message.endpointId, sql`now() + make_interval(secs => ${delay})`);
    if (!options.subjectGone) await updateEndpointHealth(tx, endpoint.id, delivered, gone, at);
    return true;
  }).catch((err: unknown) => {
    if (err instanceof StaleAttempt) return false;
    throw err;
  });
  if (!recorded) return "stale";
  if (!delivered && !gone && !options.subjectGone) {
    // The attempt is recorded either way: an email that fails now stays owed and the hourly maintenance sends it.
    await disableFailingEndpoints(deps.db, deps.email, { endpointId: endpoint.id }).catch((err: unknown) =>
      log.error({ err, endpoint_id: endpoint.id }, "disabling the endpoint or emailing its owner failed"),
    );
  }
  return result;
}

class StaleAttempt extends Error {}

function describeStatus(outcome: DeliveryOutcome): string | null {
  return outcome.statusCode === undefined ? null : `The endpoint answered ${outcome.statusCode}.`;
}

/** The next attempt's job (migration 0011's webhook_schedule_delivery), in the caller's transaction. */
export async function scheduleDelivery(tx: Transaction, messageId: string, endpointId: string, runAt: ReturnType<typeof sql> | null): Promise<void> {
  await tx.execute(sql`SELECT webhook_schedule_delivery(${messageId}, ${endpointId}, ${runAt ?? sql`NULL`})`);
}

/**
 * Any success ends a failing streak; a failure starts one (or continues it); a 410 Gone
 * disables the endpoint at once — the receiver says it will never take deliveries again.
 */
async function updateEndpointHealth(tx: Transaction, endpointId: string, delivered: boolean, gone: boolean, at: Date): Promise<void> {
  if (delivered) {
    await tx.update(webhookEndpoints).set({ failingSince: null }).where(and(eq(webhookEndpoints.id, endpointId), sql`${webhookEndpoints.failingSince} IS NOT NULL`));
    return;
  }
  if (gone) {
    await tx
      .update(webhookEndpoints)
      .set({ status: "disabled", disabledReason: "The endpoint answered 410 Gone.", disabledAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.status, "enabled")));
    return;
  }
  await tx.update(webhookEndpoints).set({ failingSince: at }).where(and(eq(webhookEndpoints.id, endpointId), isNull(webhookEndpoints.failingSince)));
}
