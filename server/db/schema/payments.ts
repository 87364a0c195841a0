import { integer, pgTable, real, text, timestamp } from "drizzle-orm/pg-core";
import { orders } from "./orders";

/** Our record of the charge at the payment provider, one per order. */
export const payments = pgTable("payments", {
  orderId: text("order_id")
    .primaryKey()
    .references(() => orders.id, { onDelete: "cascade" }),
  providerChargeId: text("provider_charge_id"),
  amountCents: integer("amount_cents").notNull(),
  currency: text("currency").notNull(),
  status: text("status", { enum: ["requested", "processing", "completed", "failed", "flagged"] }).notNull(),
  riskScore: real("risk_score"),
  failureReason: text("failure_reason"),
  requestedAt: timestamp("requested_at", { withTimezone: true }).notNull().defaultNow(),
  settledAt: timestamp("settled_at", { withTimezone: true }),
  // Set once, by the void/refund job: the compensation happens exactly once.
  reversal: text("reversal", { enum: ["void", "refund"] }),
  reversedAt: timestamp("reversed_at", { withTimezone: true }),
});

export type Payment = typeof payments.$inferSelect;

/** Webhook ids already processed: a redelivered event changes nothing. */
export const webhookReceipts = pgTable("webhook_receipts", {
  webhookId: text("webhook_id").primaryKey(),
  event: text("event").notNull(),
  orderId: text("order_id").notNull(),
  receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
});
