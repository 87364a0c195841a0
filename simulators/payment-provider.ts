import { and, eq, isNull, or, sql } from "drizzle-orm";
import { setTimeout as sleep } from "node:timers/promises";
import { centsToMajor } from "@/lib/money";
import type { PaymentEventType } from "@/lib/contract";
import { builtOnce, builtOncePerShape, placeholderValue } from "@/server/db/built-once";
import type { Database } from "@/server/db/client";
import { simCharges, simReversals } from "@/server/db/schema";
import { newId } from "@/server/ids";
import { keepAliveRequest } from "@/server/downstream/keep-alive-request";
import { signedWebhookHeaders } from "@/server/payments/webhook-signature";
import { contextOf, markFailed, SpanKind, startSpan, traceparentOf } from "@/server/telemetry/spans";
import { behaveAs } from "./behaviour";
import type { SettingsCache } from "./settings-cache";
import { loggerFor } from "@/server/logging/logger";

const log = loggerFor("payment-sim");

type Charge = typeof simCharges.$inferSelect;
type Verdict = { outcome: "completed" | "failed" | "flagged"; reason?: string; riskScore: number | null };

type RiskAction = Charge["riskAction"];

/**
 * Fraud check, then risk scoring, driven by the test payment methods of docs/api.md.
 * Card-network style: the method name decides the outcome. A high risk score blocks the
 * charge unless the merchant asked for `review`: then it is captured and held for the
 * merchant's decision (Stripe Radar's "review" rule action) — a completion that carries its
 * reason and score. Fraud is blocked whatever the merchant asked.
 */
export function screenCharge(paymentMethod: string, riskAction: RiskAction = "block"): Verdict {
  if (paymentMethod === "pm_card_fraud") return { outcome: "flagged", reason: "fraud_suspected", riskScore: 0.99 };
  if (paymentMethod === "pm_card_risky") return { outcome: riskAction === "review" ? "completed" : "flagged", reason: "high_risk_score", riskScore: 0.92 };
  if (paymentMethod === "pm_card_declined") return { outcome: "failed", reason: "card_declined", riskScore: 0.1 };
  return { outcome: "completed", riskScore: 0.05 };
}

const WEBHOOK_MAX_ATTEMPTS = 12;
const PROCESS_MAX_ATTEMPTS = 12;

export class PaymentSimulator {
  /** Charges this process is still deciding or reporting (their verdict's webhook not yet answered). */
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly db: Database,
    private readonly webhookUrl: string,
    private readonly webhookSecret: string,
    private readonly settings: SettingsCache,
  ) {}

  /**
   * POST /payments/charges: answers "processing" at once; the verdict follows by webhook.
   * `traceparent` is the provider's own span of the request: the webhook continues it.
   */
  async createCharge(
    idempotencyKey: string,
    body: { order_id: string; amount: number; currency: string; payment_method: string; risk_action?: RiskAction },
    traceparent?: string,
  ) {
    await behaveAs(this.settings, "payment");
    const [inserted] = await newCharge(this.db, {
      id: newId("ch"),
      idempotencyKey,
      orderId: body.order_id,
      amountCents: body.amount,
      currency: body.currency,
      paymentMethod: body.payment_method,
      riskAction: body.risk_action === "review" ? "review" : "block",
      webhookId: newId("evt"),
      traceParent: traceparent ?? null,
    });
    if (inserted) {
      void this.process(inserted);
      return { id: inserted.id, status: "processing" as const };
    }
    // Same idempotency key: the same charge, never a second one.
    const [existing] = await this.db
      .update(simCharges)
      .set({ requestCount: sql`${simCharges.requestCount} + 1` })
      .where(eq(simCharges.idempotencyKey, idempotencyKey))
      .returning();
    return { id: existing!.id, status: existing!.outcome ?? ("processing" as const) };
  }

  /**
   * POST /payments/authorizations, POST /fraud/checks, POST /risk/scores: the same three
   * services answered synchronously, for the lab's "direct" checkout that waits on each.
   */
  async authorizeNow(): Promise<{ status: "authorized" }> {
    await behaveAs(this.settings, "payment");
    return { status: "authorized" };
  }

  async checkFraudNow(): Promise<{ status: "passed" }> {
    await behaveAs(this.settings, "fraud");
    return { status: "passed" };
  }

  async scoreRiskNow(): Promise<{ risk_score: number }> {
    await behaveAs(this.settings, "risk");
    return { risk_score: 0.05 };
  }

  /** GET /payments/charges/by-key/{key}: the charge created with that idempotency key, as a real provider's lookup. */
  async lookupCharge(chargeKey: string) {
    await behaveAs(this.settings, "payment");
    const [charge] = await this.db.select().from(simCharges).where(eq(simCharges.idempotencyKey, chargeKey));
    if (!charge) return undefined;
    return {
      id: charge.id,
      status: charge.outcome ?? ("processing" as const),
      amount: charge.amountCents,
      currency: charge.currency,
      ...(charge.reason ? { reason: charge.reason } : {}),
      ...(charge.outcome === "flagged" ? { risk_score: charge.riskScore } : {}),
      ...heldForReview(charge),
    };
  }

  /**
   * POST /payments/charges/by-key/{key}/reverse: void before the verdict, refund a captured
   * charge; once per reversal key. The charge is named by the key it was created with, which
   * the merchant always knows. The void is a conditional update, so a verdict being decided
   * at the same moment either wins (then it is a refund) or never happens.
   */
  async reverseCharge(idempotencyKey: string, chargeKey: string) {
    await behaveAs(this.settings, "payment");
    const [existing] = await this.db.select().from(simReversals).where(eq(simReversals.idempotencyKey, idempotencyKey));
    if (existing) return { kind: existing.kind, charge_id: existing.chargeId };
    const [voided] = await this.db
      .update(simCharges)
      .set({ outcome: "voided" })
      .where(and(eq(simCharges.idempotencyKey, chargeKey), isNull(simCharges.outcome)))
      .returning();
    const [charge] = voided ? [voided] : await this.db.select().from(simCharges).where(eq(simCharges.idempotencyKey, chargeKey));
    if (!charge) return undefined;
    if (charge.outcome === "failed" || charge.outcome === "flagged") return { kind: "not_required" as const, charge_id: charge.id };
    await this.db
      .insert(simReversals)
      .values({ id: newId("rev"), idempotencyKey, chargeId: charge.id, kind: charge.outcome === "completed" ? "refund" : "void" })
      .onConflictDoNothing();
    const [reversal] = await this.db.select().from(simReversals).where(eq(simReversals.idempotencyKey, idempotencyKey));
    return { kind: reversal!.kind, charge_id: charge.id };
  }

  /**
   * GET /payments/in-flight: the ids of the charges whose verdict is still to come by webhook
   * from this process (deciding, delivering, or waiting to retry a delivery). Test tooling
   * asks it to know whether the provider still owes the shop a webhook (docs/testing.md).
   */
  inFlightCharges(): { charges: string[] } {
    return { charges: [...this.inFlight] };
  }

  /** On start: finish charges a previous run left undecided or unreported. */
  async resumePending(): Promise<void> {
    const pending = await this.db
      .select()
      .from(simCharges)
      .where(or(isNull(simCharges.outcome), and(isNull(simCharges.webhookDeliveredAt), sql`${simCharges.webhookAttempts} < ${WEBHOOK_MAX_ATTEMPTS}`)));
    for (const charge of pending) void this.process(charge);
  }

  /**
   * Decides the charge and reports it. A failure of our own database (e.g. no free connection)
   * must not lose the charge — a real provider finishes it later — so it is retried with
   * backoff, each retry starting from the stored row (the verdict may already be recorded).
   */
  private async process(charge: Charge): Promise<void> {
    this.inFlight.add(charge.id);
    try {
      for (let attempt = 1; attempt <= PROCESS_MAX_ATTEMPTS; attempt++) {
        try {
          const current = attempt === 1 ? charge : (await this.db.select().from(simCharges).where(eq(simCharges.id, charge.id)))[0];
          if (current) await this.decideAndReport(current);
          return;
        } catch (err) {
          log.warn({ err, charge_id: charge.id, order_id: charge.orderId, attempt }, "charge processing failed");
          if (attempt < PROCESS_MAX_ATTEMPTS) await sleep(Math.min(250 * 2 ** (attempt - 1), 30_000));
        }
      }
      log.error({ charge_id: charge.id, order_id: charge.orderId }, "gave up on the charge");
    } finally {
      this.inFlight.delete(charge.id);
    }
  }

  private async decideAndReport(charge: Charge): Promise<void> {
    let current = charge;
    if (!current.outcome) {
      // The provider's own chain: a fraud check, then risk scoring, each a service with its
      // own settings. A failure of either is retried by process() like any other.
      await behaveAs(this.settings, "fraud");
      await behaveAs(this.settings, "risk");
      const verdict = screenCharge(current.paymentMethod, current.riskAction);
      const [decided] = await decideCharge(this.db, { id: current.id, outcome: verdict.outcome, reason: verdict.reason ?? null, riskScore: verdict.riskScore });
      if (!decided) return;
      current = decided;
    }
    if (current.outcome === "voided") return; // a voided authorisation is never reported
    await this.deliverWebhook(current);
  }

  private async deliverWebhook(charge: Charge): Promise<void> {
    const event: PaymentEventType =
      charge.outcome === "completed" ? "payment.completed" : charge.outcome === "failed" ? "payment.failed" : "payment.flagged";
    const body = JSON.stringify({
      event,
      order_id: charge.orderId,
      amount: centsToMajor(charge.amountCents),
      currency: charge.currency,
      ...(charge.outcome === "completed" ? { completed_at: new Date().toISOString() } : { ...(charge.reason ? { reason: charge.reason } : {}) }),
      ...(charge.outcome === "flagged" ? { risk_score: charge.riskScore } : {}),
      ...heldForReview(charge),
    });
    const settings = await this.settings.get("payment");
    if (settings?.dropWebhooks) return; // lost in transit: only a lookup will tell the merchant
    for (let attempt = charge.webhookAttempts + 1; attempt <= WEBHOOK_MAX_ATTEMPTS; attempt++) {
      let delivered = false;
      // Each attempt is a CLIENT span under the charge request's context (kept on the charge,
      // so a restart's redelivery continues it too), whose traceparent the webhook carries.
      const { span, context: attemptContext } = startSpan("payment webhook POST", {
        kind: SpanKind.CLIENT,
        parent: contextOf(charge.traceParent),
        attributes: { "http.request.method": "POST", "url.full": this.webhookUrl, "conveyor.order_id": charge.orderId, "conveyor.webhook.attempt": attempt, "conveyor.webhook.event": event },
      });
      try {
        const traceparent = traceparentOf(attemptContext);
        const response = await keepAliveRequest(this.webhookUrl, {
          method: "POST",
          headers: { ...signedWebhookHeaders(this.webhookSecret, charge.webhookId!, body), ...(traceparent ? { traceparent } : {}) },
          body,
          timeoutMs: 10_000,
        });
        delivered = response.ok;
        span.setAttribute("http.response.status_code", response.status);
        if (!delivered) markFailed(span, new Error(`HTTP ${response.status}`));
      } catch (err) {
        // endpoint down: retried below like any non-2xx answer
        markFailed(span, err);
      } finally {
        span.end();
      }
      // One write per attempt, after it: a simulator killed mid-delivery redelivers on restart
      // (resumePending), which the merchant dedupes by webhook id, and counts one attempt fewer.
      const [recorded] = await recordDeliveryAttempt(this.db, delivered ? "delivered" : "failed", { id: charge.id, attempt });
      // No row: the shop was reset for a test (docs/testing.md) and the charge is forgotten.
      if (delivered || !recorded) return;
      await sleep(Math.min(250 * 2 ** (attempt - 1), 30_000));
    }
    log.error({ charge_id: charge.id, order_id: charge.orderId }, "gave up delivering the webhook");
  }
}

// The statements every charge runs, built once (decision 046).
const newCharge = builtOnce((db) =>
  db
    .insert(simCharges)
    .values({
      id: sql.placeholder("id"),
      idempotencyKey: sql.placeholder("idempotencyKey"),
      orderId: sql.placeholder("orderId"),
      amountCents: sql.placeholder("amountCents"),
      currency: sql.placeholder("currency"),
      paymentMethod: sql.placeholder("paymentMethod"),
      riskAction: sql.placeholder("riskAction"),
      webhookId: sql.placeholder("webhookId"),
      traceParent: sql.placeholder("traceParent"),
    })
    .onConflictDoNothing()
    .returning(),
);

const decideCharge = builtOnce((db) =>
  db
    .update(simCharges)
    .set({ outcome: placeholderValue("outcome"), reason: placeholderValue("reason"), riskScore: placeholderValue("riskScore") })
    .where(and(eq(simCharges.id, sql.placeholder("id")), isNull(simCharges.outcome)))
    .returning(),
);

const recordDeliveryAttempt = builtOncePerShape((shape: "delivered" | "failed") => shape, (db, shape) =>
  db
    .update(simCharges)
    .set({ webhookAttempts: placeholderValue("attempt"), ...(shape === "delivered" ? { webhookDeliveredAt: sql`now()` } : {}) })
    .where(eq(simCharges.id, sql.placeholder("id")))
    .returning({ id: simCharges.id }),
);

/** A captured charge that risk scoring flagged is held for the merchant's review: its webhook and lookup say so. */
function heldForReview(charge: Charge): { review?: { risk_score: number; reason: string } } {
  if (charge.outcome !== "completed" || !charge.reason) return {};
  return { review: { risk_score: charge.riskScore ?? 1, reason: charge.reason } };
}
