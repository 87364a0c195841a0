import "server-only";
import { sql } from "drizzle-orm";
import type { Database } from "@/server/db/client";

/** Guests deleted per statement: keeps each delete (and its cascade) a short transaction. */
const BATCH = 5_000;
const GRACE_HOURS = 24;

/**
 * Deletes guest shoppers who can never come back and left nothing the shop must keep.
 *
 * Every page visit without a session makes a guest (decision 014), so crawlers and one-off
 * visitors would otherwise pile up for ever. A guest's only credential is its session
 * cookie: once every session of theirs has expired, nobody can act as them again. If they
 * also have no order (orders are the shop's records and stay) and no lab run, the row and
 * what hangs off it (cart, sessions, accounts, idempotency keys — all ON DELETE CASCADE)
 * go. `GRACE_HOURS` keeps just-created guests whose first session is still being written.
 * Safe to run twice or concurrently: it only deletes rows that match at that moment.
 */
export async function sweepIdleGuests(db: Database): Promise<number> {
  let deleted = 0;
  for (;;) {
    const result = await db.execute(sql`
      DELETE FROM shoppers WHERE id IN (
        SELECT s.id FROM shoppers s
        WHERE s.is_anonymous
          AND s.created_at < now() - make_interval(hours => ${GRACE_HOURS})
          AND NOT EXISTS (SELECT 1 FROM auth_sessions a WHERE a.user_id = s.id AND a.expires_at > now())
          AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.shopper_id = s.id)
          AND NOT EXISTS (SELECT 1 FROM lab_runs l WHERE l.shopper_id = s.id)
        LIMIT ${BATCH}
        FOR UPDATE SKIP LOCKED
      )`);
    const count = result.rowCount ?? 0;
    deleted += count;
    if (count < BATCH) return deleted;
  }
}
