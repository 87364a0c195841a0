import "server-only";
import { desc, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/server/db/client";
import { mailbox } from "@/server/db/schema";
import { json } from "@/server/http/api-response";
import { parseInput, type TestControl } from "./test-control";

const querySchema = z
  .object({
    to: z.string().trim().min(1).max(320).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

export type TestEmail = { to: string; subject: string; text: string; sent_at: string; order_id?: string };

/**
 * What the simulated email service accepted (the mailbox /admin/mailbox shows), newest first:
 * every email, or those to one address (compared case-insensitively, as addresses are).
 */
export async function listEmails(db: Database, options: { to?: string; limit: number }): Promise<{ data: TestEmail[] }> {
  const rows = await db
    .select()
    .from(mailbox)
    .where(options.to === undefined ? undefined : sql`lower(${mailbox.recipient}) = lower(${options.to})`)
    .orderBy(desc(mailbox.createdAt), desc(mailbox.id))
    .limit(options.limit);
  return {
    data: rows.map((m) => ({
      to: m.recipient,
      subject: m.subject,
      text: m.body,
      sent_at: m.createdAt.toISOString(),
      ...(m.orderId ? { order_id: m.orderId } : {}),
    })),
  };
}

/** GET /api/test/emails?to={email}&limit={n} → 200 `{ data: [...] }`. */
export const listEmailsControl: TestControl = {
  method: "GET",
  path: ["emails"],
  async serve(request, _params, services) {
    const query = parseInput(querySchema, Object.fromEntries(new URL(request.url).searchParams), "The query");
    return json(200, await listEmails(services.db, query));
  },
};
