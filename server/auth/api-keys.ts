import "server-only";
import { and, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import { createHash, randomBytes } from "node:crypto";
import { builtOnce } from "@/server/db/built-once";
import type { DbOrTx } from "@/server/db/client";
import { apiKeys, shoppers, type Shopper } from "@/server/db/schema";
import { newId } from "@/server/ids";

export const KEY_PREFIX = "cvk_";
/** The part of a key that is stored in clear and shown in listings, so its owner can tell keys apart. */
export const SHOWN_PREFIX_LENGTH = 10;
/** How stale `last_used_at` may get before a request refreshes it: at most one write per key per minute. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * API keys carry 256 random bits, so a fast hash (SHA-256) is the right storage: there is
 * nothing to brute-force, and lookup stays one indexed query. The plain key exists only in
 * the output of `create`.
 */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export async function findOrCreateShopper(db: DbOrTx, email: string, name = ""): Promise<Shopper> {
  const normalized = email.trim().toLowerCase();
  await db.insert(shoppers).values({ id: newId("usr"), email: normalized, name }).onConflictDoNothing({ target: shoppers.email });
  const [shopper] = await db.select().from(shoppers).where(eq(shoppers.email, normalized));
  return shopper!;
}

/** A new key for `email` (the shopper is created if new); with `expiresInDays` it stops working after that many days. */
export async function createApiKey(
  db: DbOrTx,
  email: string,
  options: { expiresInDays?: number } = {},
): Promise<{ shopper: Shopper; key: string; id: string; expiresAt: Date | null }> {
  const shopper = await findOrCreateShopper(db, email);
  const key = KEY_PREFIX + randomBytes(32).toString("base64url");
  const id = newId("key");
  const expiresAt = options.expiresInDays === undefined ? null : new Date(Date.now() + options.expiresInDays * 86_400_000);
  await db.insert(apiKeys).values({ id, shopperId: shopper.id, keyHash: hashApiKey(key), prefix: key.slice(0, SHOWN_PREFIX_LENGTH), expiresAt });
  return { shopper, key, id, expiresAt };
}

/**
 * The shopper a key belongs to, or undefined when the key is unknown, revoked, expired, or
 * its shopper is banned (the admin plugin's `banned`, until `banExpires` if set) — each a
 * 401 to the caller, never a hint which.
 */
export async function authenticateApiKey(db: DbOrTx, key: string): Promise<Shopper | undefined> {
  if (!key.startsWith(KEY_PREFIX) || key.length > 200) return undefined;
  const [row] = await liveKey(db, { keyHash: hashApiKey(key) });
  if (!row) return undefined;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(eq(apiKeys.id, row.keyId));
  }
  return row.shopper;
}

/** Every API request reads it: built once (decision 046). */
const liveKey = builtOnce((db) =>
  db
    .select({ shopper: shoppers, keyId: apiKeys.id, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .innerJoin(shoppers, eq(shoppers.id, apiKeys.shopperId))
    .where(
      and(
        eq(apiKeys.keyHash, sql.placeholder("keyHash")),
        isNull(apiKeys.revokedAt),
        or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, sql`now()`)),
        or(eq(shoppers.banned, false), lt(shoppers.banExpires, sql`now()`)),
      ),
    ),
);
