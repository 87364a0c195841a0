import "server-only";
import { desc, lt } from "drizzle-orm";
import type { Database } from "@/server/db/client";
import { mailbox, type MailboxMessage } from "@/server/db/schema";

/** Every email the email service accepted, newest first, a page at a time. */
export async function listMailbox(db: Database, options: { cursor?: string | null; limit?: number } = {}): Promise<{ data: MailboxMessage[]; nextCursor: string | null }> {
  const limit = options.limit ?? 50;
  const rows = await db
    .select()
    .from(mailbox)
    .where(options.cursor ? lt(mailbox.createdAt, new Date(options.cursor)) : undefined)
    .orderBy(desc(mailbox.createdAt))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { data: page, nextCursor: rows.length > limit ? page.at(-1)!.createdAt.toISOString() : null };
}
