import { hashPassword } from "better-auth/crypto";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/server/db/client";
import { authAccounts, shoppers } from "@/server/db/schema";
import { newId } from "@/server/ids";

/**
 * Makes sure the admin account of ADMIN_EMAIL exists, can sign in with ADMIN_PASSWORD and
 * has the admin role. Idempotent: an existing password is left alone (it may have been
 * changed since), so this runs on every start. The hash is better-auth's own (scrypt).
 */
export async function seedAdmin(db: Database, email: string, password: string): Promise<{ created: boolean }> {
  const normalized = email.trim().toLowerCase();
  await db
    .insert(shoppers)
    .values({ id: newId("usr"), email: normalized, name: "Admin", emailVerified: true, role: "admin" })
    .onConflictDoUpdate({ target: shoppers.email, set: { role: "admin" } });
  const [admin] = await db.select({ id: shoppers.id }).from(shoppers).where(eq(shoppers.email, normalized));
  const [existing] = await db
    .select({ id: authAccounts.id })
    .from(authAccounts)
    .where(and(eq(authAccounts.userId, admin!.id), eq(authAccounts.providerId, "credential")));
  if (existing) return { created: false };
  await db.insert(authAccounts).values({ id: newId("acc"), userId: admin!.id, accountId: admin!.id, providerId: "credential", password: await hashPassword(password) });
  return { created: true };
}
