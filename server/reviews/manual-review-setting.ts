import "server-only";
import { sql } from "drizzle-orm";
import { builtOnce } from "@/server/db/built-once";
import type { DbOrTx } from "@/server/db/client";
import { pipelineSettings } from "@/server/db/schema";

export type ManualReviewSetting = { enabled: boolean; updatedAt: string; updatedBy: string | null };

/**
 * Whether risk-flagged payments are held for an admin (docs/decisions/029-manual-review.md).
 * The charge step reads the same row beside the order on every charge request
 * (server/payments/charge-payment.ts, decision 054), so an admin's switch takes effect for the
 * next charge in every worker; a charge already requested keeps what it asked for.
 */
export async function getManualReview(db: DbOrTx): Promise<ManualReviewSetting> {
  const [row] = await settingsRow(db, {});
  return { enabled: row?.manualReview ?? false, updatedAt: (row?.updatedAt ?? new Date(0)).toISOString(), updatedBy: row?.updatedBy ?? null };
}

/** Switches manual review on or off; `by` is the admin's id (null: MANUAL_REVIEW at start). */
export async function setManualReview(db: DbOrTx, enabled: boolean, by: string | null): Promise<ManualReviewSetting> {
  const [row] = await db
    .insert(pipelineSettings)
    .values({ manualReview: enabled, updatedBy: by })
    .onConflictDoUpdate({ target: pipelineSettings.id, set: { manualReview: enabled, updatedBy: by, updatedAt: sql`now()` } })
    .returning();
  return { enabled: row!.manualReview, updatedAt: row!.updatedAt.toISOString(), updatedBy: row!.updatedBy };
}

/** Read by the admin's pages and API: built once (decision 046). */
const settingsRow = builtOnce((db) => db.select().from(pipelineSettings));
