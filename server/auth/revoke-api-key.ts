import "server-only";
import { and, eq, isNull, or, sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { apiKeys } from "@/server/db/schema";
import { hashApiKey, KEY_PREFIX, SHOWN_PREFIX_LENGTH } from "./api-keys";
import type { ApiKeySummary } from "./list-api-keys";

export type RevokeOutcome =
  | { kind: "revoked"; key: ApiKeySummary }
  | { kind: "already_revoked"; key: ApiKeySummary }
  | { kind: "not_found" }
  | { kind: "ambiguous" };

/**
 * Revokes one key, named by its id (`key_…`), its shown prefix (`cvk_` + 6 characters, as
 * listed) or the whole key; from then on it is a 401. With `shopperId` only that shopper's
 * keys are considered (a page where shoppers manage their own keys); without it, anyone's
 * (the operator's command line). A prefix that two keys share names neither: the id must be
 * used. Revoking a revoked key changes nothing and says so.
 */
export async function revokeApiKey(db: DbOrTx, reference: string, options: { shopperId?: string } = {}): Promise<RevokeOutcome> {
  const named =
    reference.startsWith(KEY_PREFIX) && reference.length > SHOWN_PREFIX_LENGTH
      ? eq(apiKeys.keyHash, hashApiKey(reference))
      : or(eq(apiKeys.id, reference), eq(apiKeys.prefix, reference));
  const owned = options.shopperId ? eq(apiKeys.shopperId, options.shopperId) : undefined;
  const summary = { id: apiKeys.id, prefix: apiKeys.prefix, createdAt: apiKeys.createdAt, lastUsedAt: apiKeys.lastUsedAt, expiresAt: apiKeys.expiresAt, revokedAt: apiKeys.revokedAt };
  const matches = await db.select(summary).from(apiKeys).where(and(named, owned)).limit(2);
  const [match] = matches;
  if (!match) return { kind: "not_found" };
  if (matches.length > 1) return { kind: "ambiguous" };
  if (match.revokedAt) return { kind: "already_revoked", key: match };
  const [revoked] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiKeys.id, match.id), isNull(apiKeys.revokedAt)))
    .returning(summary);
  // Revoked concurrently by someone else between the two statements: the same end state.
  return revoked ? { kind: "revoked", key: revoked } : { kind: "already_revoked", key: match };
}
