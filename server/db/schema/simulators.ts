import { sql } from "drizzle-orm";
import { check, index, integer, boolean, pgTable, real, text, timestamp } from "drizzle-orm/pg-core";

/** The payment provider calls fraud, then risk scoring, in its own chain (each with its own settings). */
export const DOWNSTREAM_SERVICES = ["payment", "fraud", "risk", "invoicing", "email", "carrier"] as const;
export type DownstreamService = (typeof DOWNSTREAM_SERVICES)[number];

/**
 * Behaviour of each simulated third party. Kept in the database so every process (web,
 * workers, simulators) sees a change at once; the admin lab edits these rows.
 */
export const downstreamSettings = pgTable(
  "downstream_settings",
  {
    service: text("service", { enum: DOWNSTREAM_SERVICES }).primaryKey(),
    baseLatencyMs: integer("base_latency_ms").notNull().default(2),
    jitterMs: integer("jitter_ms").notNull().default(3),
    spikeLatencyMs: integer("spike_latency_ms").notNull().default(0),
    spikeUntil: timestamp("spike_until", { withTimezone: true }),
    failureRate: real("failure_rate").notNull().default(0),
    outage: boolean("outage").notNull().default(false),
    // Payment only: the provider decides charges but its webhooks never arrive (lost in
    // transit), so only reconciliation can learn the verdict.
    dropWebhooks: boolean("drop_webhooks").notNull().default(false),
    // Requests served at once (across every process); the rest wait their turn. 0 = unlimited.
    capacity: integer("capacity").notNull().default(32),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("downstream_failure_rate_range", sql`${t.failureRate} >= 0 AND ${t.failureRate} <= 1`),
    check("downstream_latency_nonnegative", sql`${t.baseLatencyMs} >= 0 AND ${t.jitterMs} >= 0 AND ${t.spikeLatencyMs} >= 0`),
    check("downstream_capacity_nonnegative", sql`${t.capacity} >= 0`),
  ],
);

export type DownstreamSettings = typeof downstreamSettings.$inferSelect;

/*
 * The simulators' own records. A real provider keeps these on its side; ours live in
 * `sim_*` tables so tests can check, from the provider's point of view, that each order
 * was charged exactly once.
 */
export const simCharges = pgTable(
  "sim_charges",
  {
    id: text("id").primaryKey(),
    idempotencyKey: text("idempotency_key").notNull().unique(),
    orderId: text("order_id").notNull(),
    amountCents: integer("amount_cents").notNull(),
    currency: text("currency").notNull(),
    paymentMethod: text("payment_method").notNull(),
    // What the merchant asked risk scoring to do with a risky charge: block it (`flagged`, no
    // money) or capture it and hold it for the merchant's review (`completed` with a reason).
    riskAction: text("risk_action", { enum: ["block", "review"] }).notNull().default("block"),
    // `voided`: reversed before it was decided; it never takes money.
    outcome: text("outcome", { enum: ["completed", "failed", "flagged", "voided"] }),
    reason: text("reason"),
    riskScore: real("risk_score"),
    webhookId: text("webhook_id"),
    webhookAttempts: integer("webhook_attempts").notNull().default(0),
    webhookDeliveredAt: timestamp("webhook_delivered_at", { withTimezone: true }),
    requestCount: integer("request_count").notNull().default(1),
    // The traceparent the charge request came with: its webhook carries it back, also after a restart.
    traceParent: text("trace_parent"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("sim_charges_order_idx").on(t.orderId)],
);

export const simReversals = pgTable("sim_reversals", {
  id: text("id").primaryKey(),
  idempotencyKey: text("idempotency_key").notNull().unique(),
  chargeId: text("charge_id").notNull(),
  kind: text("kind", { enum: ["void", "refund"] }).notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Invoices and shipments issued by the simulated services, keyed by the caller's idempotency key. */
export const simDocuments = pgTable("sim_documents", {
  idempotencyKey: text("idempotency_key").primaryKey(),
  service: text("service", { enum: ["invoicing", "carrier"] }).notNull(),
  reference: text("reference").notNull().unique(),
  // Carrier: the booking was cancelled (the order was cancelled while it was being booked).
  voidedAt: timestamp("voided_at", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
