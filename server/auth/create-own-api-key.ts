import "server-only";
import { and, count, eq, isNull } from "drizzle-orm";
import type { Database } from "@/server/db/client";
import { apiKeys, shoppers, type Shopper } from "@/server/db/schema";
import { conflict } from "@/server/errors";
import { createApiKey } from "./api-keys";

/** Keys an account may hold at once (revoked ones do not count). */
export const MAX_ACTIVE_API_KEYS = 20;

/**
 * A new API key for a signed-in account (/account/developers), shown once by the caller. At
 * most MAX_ACTIVE_API_KEYS unrevoked keys (409 `too_many_api_keys`), counted under a lock on
 * the account so two clicks at once cannot both slip past the limit.
 */
export async function createOwnApiKey(db: Database, shopper: Pick<Shopper, "id" | "email">): Promise<{ id: string; key: string }> {
  return db.transaction(async (tx) => {
    await tx.select({ id: shoppers.id }).from(shoppers).where(eq(shoppers.id, shopper.id)).for("update");
    const [active] = await tx.select({ n: count() }).from(apiKeys).where(and(eq(apiKeys.shopperId, shopper.id), isNull(apiKeys.revokedAt)));
    if ((active?.n ?? 0) >= MAX_ACTIVE_API_KEYS) throw conflict("too_many_api_keys", `An account has at most ${MAX_ACTIVE_API_KEYS} active API keys; revoke one first.`);
    const created = await createApiKey(tx, shopper.email);
    return { id: created.id, key: created.key };
  });
}
