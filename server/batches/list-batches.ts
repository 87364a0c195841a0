import "server-only";
import { and, desc, eq, sql } from "drizzle-orm";
import type { BatchView } from "@/lib/contract";
import type { DbOrTx } from "@/server/db/client";
import { batches } from "@/server/db/schema";
import { badRequest } from "@/server/errors";
import { pageSize } from "@/server/http/keyset-page";
import { toBatchView } from "./batch-view";

export const DEFAULT_BATCH_PAGE_SIZE = 20;
export const MAX_BATCH_PAGE_SIZE = 100;

type Position = { createdAt: Date; id: string };

// The cursor carries milliseconds (what a Date holds); Postgres keeps microseconds. Ordering and
// comparing on the same truncation keeps pages from skipping or repeating a batch.
const createdMs = sql`date_trunc('milliseconds', ${batches.createdAt})`;

/** Opaque keyset cursor: the last batch of the previous page (its time and id, the listing's order). */
function encodeCursor({ createdAt, id }: Position): string {
  return Buffer.from(`b:${createdAt.toISOString()}|${id}`).toString("base64url");
}

function decodeCursor(cursor: string): Position {
  const match = /^b:(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\|(bat_[a-z0-9]{1,64})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match?.[1] || !match[2]) throw badRequest("The cursor is not valid; pass the next_cursor of a previous page.");
  return { createdAt: new Date(match[1]), id: match[2] };
}

/** GET /api/batches: the caller's batches, newest first, keyset-paginated. */
export async function listBatches(
  db: DbOrTx,
  shopperId: string,
  options: { cursor?: string | null; limit?: number } = {},
): Promise<{ data: BatchView[]; next_cursor: string | null }> {
  const limit = pageSize(options.limit, DEFAULT_BATCH_PAGE_SIZE, MAX_BATCH_PAGE_SIZE);
  const after = options.cursor ? decodeCursor(options.cursor) : undefined;
  const rows = await db
    .select()
    .from(batches)
    .where(
      and(
        eq(batches.shopperId, shopperId),
        after === undefined ? undefined : sql`(${createdMs}, ${batches.id}) < (${after.createdAt.toISOString()}::timestamptz, ${after.id})`,
      ),
    )
    .orderBy(desc(createdMs), desc(batches.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { data: page.map(toBatchView), next_cursor: rows.length > limit && last ? encodeCursor(last) : null };
}
