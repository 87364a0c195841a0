import "server-only";
import { asc, eq } from "drizzle-orm";
import { isFinalStatus } from "@/lib/order-state";
import type { Database } from "@/server/db/client";
import { jobAttempts, mailbox, payments, reviews, shoppers, simCharges, webhookLog } from "@/server/db/schema";
import { notFound } from "@/server/errors";
import { loadOrderView, type OrderView } from "@/server/orders/order-view";
import type { PipelineJobs } from "@/server/pipeline/pipeline-jobs";

export type TimelineEntry = {
  kind: "accepted" | "status" | "job" | "job_queued" | "dead_letter" | "webhook" | "email" | "compensation" | "review";
  label: string;
  /** When it started (for a job attempt: when it was queued). */
  at: string;
  /** Queue wait then run time, for job attempts. */
  queueWaitMs?: number;
  runMs?: number;
  endAt?: string;
  outcome?: string;
  error?: string | null;
  payload?: unknown;
};

export type OrderTimeline = {
  order: OrderView & { shopper_email: string; lab: boolean };
  entries: TimelineEntry[];
  /** Steps with dead-lettered jobs an admin can retry. */
  retryableSteps: string[];
  cancellable: boolean;
};

const ms = (from: Date, to: Date) => Math.max(0, to.getTime() - from.getTime());

/**
 * Everything that happened to one order, in time order: the HTTP accept, every status
 * change, every job attempt (queued → started → finished, with its error), the jobs still
 * waiting, dead letters, every webhook delivery (including refused signatures and dropped
 * duplicates), every email sent, compensation (void/refund), and a manual review's decision
 * with the admin who made it (kept out of the public event log).
 */
export async function getOrderTimeline(db: Database, jobs: PipelineJobs, orderId: string): Promise<OrderTimeline> {
  const view = await loadOrderView(db, orderId);
  if (!view) throw notFound(`No order ${orderId}.`);
  const [attempts, webhooks, mails, payment, charges, review, owner, queued] = await Promise.all([
    db.select().from(jobAttempts).where(eq(jobAttempts.orderId, orderId)).orderBy(asc(jobAttempts.startedAt)),
    db.select().from(webhookLog).where(eq(webhookLog.orderId, orderId)).orderBy(asc(webhookLog.seq)),
    db.select().from(mailbox).where(eq(mailbox.orderId, orderId)).orderBy(asc(mailbox.createdAt)),
    db.select().from(payments).where(eq(payments.orderId, orderId)),
    db.select().from(simCharges).where(eq(simCharges.orderId, orderId)),
    db.select().from(reviews).where(eq(reviews.orderId, orderId)),
    db.query.orders.findFirst({ where: (o, { eq: equals }) => equals(o.id, orderId), columns: { labRunId: true, shopperId: true } }),
    jobs.orderJobs(orderId),
  ]);
  const [shopper] = owner ? await db.select({ email: shoppers.email }).from(shoppers).where(eq(shoppers.id, owner.shopperId)) : [];

  const entries: TimelineEntry[] = [];
  const first = view.events[0];
  entries.push({ kind: "accepted", label: "HTTP accepted (POST /api/orders)", at: view.created_at, payload: { items: view.items, payment_method: view.payment_method, total: view.total } });
  for (const event of view.events) {
    const { id: _id, status, timestamp, ...detail } = event;
    if (event === first && status === "pending") continue;
    entries.push({ kind: "status", label: `status → ${status}`, at: timestamp, payload: Object.keys(detail).length ? detail : undefined });
  }
  for (const a of attempts) {
    entries.push({
      kind: "job",
      label: `${a.queue} · attempt ${a.attempt}`,
      at: a.queuedAt.toISOString(),
      queueWaitMs: ms(a.queuedAt, a.startedAt),
      runMs: ms(a.startedAt, a.finishedAt),
      endAt: a.finishedAt.toISOString(),
      outcome: a.outcome,
      error: a.error,
    });
  }
  for (const job of queued.waiting) {
    entries.push({ kind: "job_queued", label: `${job.step} · waiting (attempt ${job.attempt})`, at: job.queuedAt.toISOString(), outcome: job.state, payload: job.data });
  }
  for (const job of queued.dead) {
    entries.push({ kind: "dead_letter", label: `${job.step} · dead-lettered`, at: job.deadAt.toISOString(), outcome: "dead", error: job.error, payload: job.data });
  }
  for (const w of webhooks) {
    entries.push({ kind: "webhook", label: `webhook ${w.event ?? "(unparsed)"} · ${w.outcome.replace("_", " ")}`, at: w.receivedAt.toISOString(), outcome: w.outcome, error: w.detail, payload: w.payload });
  }
  for (const m of mails) {
    entries.push({ kind: "email", label: `email ${m.template} → ${m.recipient}`, at: m.createdAt.toISOString(), payload: { subject: m.subject, body: m.body } });
  }
  const [pay] = payment;
  if (pay?.reversal && pay.reversedAt) {
    entries.push({ kind: "compensation", label: `payment ${pay.reversal === "void" ? "voided" : "refunded"}`, at: pay.reversedAt.toISOString(), payload: { charges: charges.length, amount_cents: pay.amountCents } });
  }
  const [held] = review;
  if (held?.decision && held.decidedAt) {
    const by = held.decidedBy ? `${held.decidedByEmail} (${held.decidedBy})` : "the 72 h expiry";
    entries.push({
      kind: "review",
      label: `review ${held.decision} by ${by}`,
      at: held.decidedAt.toISOString(),
      outcome: held.decision,
      payload: { decision: held.decision, decided_by: held.decidedBy, decided_by_email: held.decidedByEmail, held_since: held.openedAt.toISOString(), risk_score: held.riskScore },
    });
  }
  entries.sort((a, b) => a.at.localeCompare(b.at));
  return {
    order: { ...view, shopper_email: shopper?.email ?? "", lab: owner?.labRunId != null },
    entries,
    retryableSteps: [...new Set(queued.dead.map((job) => job.step))],
    cancellable: !isFinalStatus(view.status),
  };
}
