import "server-only";
import { desc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { apiKeys } from "@/server/db/schema";

export type ApiKeySummary = { id: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; expiresAt: Date | null; revokedAt: Date | null };

/** A shopper's keys, newest first, as their owner may see them: never the key itself, nor its hash. */
export async function listApiKeys(db: DbOrTx, shopperId: string): Promise<ApiKeySummary[]> {
  return db
    .select({ id: apiKeys.id, prefix: apiKeys.prefix, createdAt: apiKeys.createdAt, lastUsedAt: apiKeys.lastUsedAt, expiresAt: apiKeys.expiresAt, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .where(eq(apiKeys.shopperId, shopperId))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}
