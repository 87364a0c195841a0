import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { apiKeys, shoppers } from "@/server/db/schema";
import { useServiceDatabase } from "@/tests/support/service-database";
import { authenticateApiKey, createApiKey } from "./api-keys";
import { listApiKeys } from "./list-api-keys";
import { revokeApiKey } from "./revoke-api-key";

const svc = useServiceDatabase();
let emails = 0;
const newEmail = () => `keys${++emails}.${Date.now()}@example.test`;

describe("API keys", () => {
  it("a revoked key is refused; the shopper's other keys keep working", async () => {
    const { db } = svc();
    const email = newEmail();
    const first = await createApiKey(db, email);
    const second = await createApiKey(db, email);
    expect((await authenticateApiKey(db, first.key))?.id).toBe(first.shopper.id);

    expect(await revokeApiKey(db, first.id)).toMatchObject({ kind: "revoked", key: { id: first.id } });
    expect(await authenticateApiKey(db, first.key)).toBeUndefined();
    expect((await authenticateApiKey(db, second.key))?.id).toBe(first.shopper.id);
    // Again: nothing changes, and the answer says so.
    expect(await revokeApiKey(db, first.id)).toMatchObject({ kind: "already_revoked", key: { id: first.id } });
  });

  it("revokes by the listed prefix or by the whole key; a shared prefix names no key", async () => {
    const { db } = svc();
    const email = newEmail();
    const byPrefix = await createApiKey(db, email);
    const byKey = await createApiKey(db, email);
    expect(await revokeApiKey(db, byPrefix.key.slice(0, 10))).toMatchObject({ kind: "revoked", key: { id: byPrefix.id } });
    expect(await revokeApiKey(db, byKey.key)).toMatchObject({ kind: "revoked", key: { id: byKey.id } });
    expect(await authenticateApiKey(db, byPrefix.key)).toBeUndefined();
    expect(await authenticateApiKey(db, byKey.key)).toBeUndefined();
    expect(await revokeApiKey(db, "key_doesnotexist")).toEqual({ kind: "not_found" });

    const [a, b] = [await createApiKey(db, email), await createApiKey(db, email)];
    await db.update(apiKeys).set({ prefix: "cvk_SHARED" }).where(sql`${apiKeys.id} in (${a.id}, ${b.id})`);
    expect(await revokeApiKey(db, "cvk_SHARED")).toEqual({ kind: "ambiguous" });
    expect(await authenticateApiKey(db, a.key)).toBeDefined();
  });

  it("a shopper can only revoke their own keys when scoped to them", async () => {
    const { db } = svc();
    const mine = await createApiKey(db, newEmail());
    const theirs = await createApiKey(db, newEmail());
    expect(await revokeApiKey(db, theirs.id, { shopperId: mine.shopper.id })).toEqual({ kind: "not_found" });
    expect(await authenticateApiKey(db, theirs.key)).toBeDefined();
    expect(await revokeApiKey(db, mine.id, { shopperId: mine.shopper.id })).toMatchObject({ kind: "revoked" });
  });

  it("an expired key is refused; one that has not expired yet works", async () => {
    const { db } = svc();
    const email = newEmail();
    const expiring = await createApiKey(db, email, { expiresInDays: 30 });
    const lasting = await createApiKey(db, email);
    expect(expiring.expiresAt?.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(await authenticateApiKey(db, expiring.key)).toBeDefined();

    await db.update(apiKeys).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiKeys.id, expiring.id));
    expect(await authenticateApiKey(db, expiring.key)).toBeUndefined();
    expect(await authenticateApiKey(db, lasting.key)).toBeDefined();
  });

  it("a banned shopper's keys are refused until the ban ends; other shoppers are unaffected", async () => {
    const { db } = svc();
    const banned = await createApiKey(db, newEmail());
    const other = await createApiKey(db, newEmail());
    await db.update(shoppers).set({ banned: true }).where(eq(shoppers.id, banned.shopper.id));
    expect(await authenticateApiKey(db, banned.key)).toBeUndefined();
    expect(await authenticateApiKey(db, other.key)).toBeDefined();

    await db.update(shoppers).set({ banExpires: new Date(Date.now() + 3_600_000) }).where(eq(shoppers.id, banned.shopper.id));
    expect(await authenticateApiKey(db, banned.key)).toBeUndefined();
    // A ban whose end has passed no longer holds (as the admin plugin treats it at sign-in).
    await db.update(shoppers).set({ banExpires: new Date(Date.now() - 1000) }).where(eq(shoppers.id, banned.shopper.id));
    expect(await authenticateApiKey(db, banned.key)).toBeDefined();
  });

  it("lists a shopper's keys, newest first, with when each was last used — never the key", async () => {
    const { db } = svc();
    const email = newEmail();
    const old = await createApiKey(db, email);
    const fresh = await createApiKey(db, email, { expiresInDays: 7 });
    await db.update(apiKeys).set({ createdAt: new Date(Date.now() - 60_000) }).where(eq(apiKeys.id, old.id));
    await authenticateApiKey(db, fresh.key);
    await revokeApiKey(db, old.id);

    const listed = await listApiKeys(db, old.shopper.id);
    expect(listed.map((k) => k.id)).toEqual([fresh.id, old.id]);
    expect(listed[0]).toMatchObject({ prefix: fresh.key.slice(0, 10), revokedAt: null, expiresAt: fresh.expiresAt });
    expect(listed[0]?.lastUsedAt).toBeInstanceOf(Date);
    expect(listed[1]).toMatchObject({ lastUsedAt: null });
    expect(listed[1]?.revokedAt).toBeInstanceOf(Date);
    expect(JSON.stringify(listed)).not.toContain(fresh.key);
  });
});
