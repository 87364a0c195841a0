import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { createHash, randomBytes } from "node:crypto";
import type { DbOrTx } from "@/server/db/client";
import { apiKeys, shoppers, type Shopper } from "@/server/db/schema";
import { newId } from "@/server/ids";

const KEY_PREFIX = "cvk_";

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

export async function createApiKey(db: DbOrTx, email: string): Promise<{ shopper: Shopper; key: string }> {
  const shopper = await findOrCreateShopper(db, email);
  const key = KEY_PREFIX + randomBytes(32).toString("base64url");
  await db.insert(apiKeys).values({ id: newId("key"), shopperId: shopper.id, keyHash: hashApiKey(key), prefix: key.slice(0, 10) });
  return { shopper, key };
}

export async function authenticateApiKey(db: DbOrTx, key: string): Promise<Shopper | undefined> {
  if (!key.startsWith(KEY_PREFIX) || key.length > 200) return undefined;
  const [row] = await db
    .select({ shopper: shoppers })
    .from(apiKeys)
    .innerJoin(shoppers, eq(shoppers.id, apiKeys.shopperId))
    .where(and(eq(apiKeys.keyHash, hashApiKey(key)), isNull(apiKeys.revokedAt)));
  return row?.shopper;
}
