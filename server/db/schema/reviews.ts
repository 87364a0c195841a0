import { sql } from "drizzle-orm";
import { boolean, check, index, pgTable, real, text, timestamp } from "drizzle-orm/pg-core";
import { orders } from "./orders";

export const REVIEW_DECISIONS = ["approved", "rejected", "expired"] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/**
 * Manual review (docs/decisions/029-manual-review.md): one row per payment the provider
 * captured and held because risk scoring flagged it. Who decided stays here, for the admin
 * timeline only — the order's event log is public (GET /api/orders/{id}) and carries the
 * decision without the admin. Undecided (`decision` null) until an admin or the expiry
 * decides it; an order cancelled meanwhile leaves it undecided, and the desk lists only
 * orders still held.
 */
export const reviews = pgTable(
  "reviews",
  {
    orderId: text("order_id")
      .primaryKey()
      .references(() => orders.id, { onDelete: "cascade" }),
    riskScore: real("risk_score"),
    reason: text("reason"),
    openedAt: timestamp("opened_at", { withTimezone: true }).notNull().defaultNow(),
    decision: text("decision", { enum: REVIEW_DECISIONS }),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    // The admin (shopper id and email at the time); null when the expiry decided.
    decidedBy: text("decided_by"),
    decidedByEmail: text("decided_by_email"),
  },
  (t) => [index("reviews_open_idx").on(t.openedAt).where(sql`${t.decision} IS NULL`)],
);

export type Review = typeof reviews.$inferSelect;

/**
 * Switches of the pipeline itself, one row, in the database so that every process — web,
 * workers — sees an admin's change at once, like the simulators' settings.
 */
export const pipelineSettings = pgTable(
  "pipeline_settings",
  {
    id: boolean("id").primaryKey().default(true),
    // Risk-flagged payments are held for an admin instead of rejected (MANUAL_REVIEW sets it at start).
    manualReview: boolean("manual_review").notNull().default(false),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    updatedBy: text("updated_by"),
  },
  (t) => [check("pipeline_settings_one_row", sql`${t.id}`)],
);
