import "server-only";
import { verifyPassword } from "better-auth/crypto";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/server/db/client";
import { authAccounts, shoppers } from "@/server/db/schema";
import { newId } from "@/server/ids";
import { findAccountByEmail, normalizeEmail } from "./find-account-by-email";
import { setAccountPassword } from "./set-account-password";

export type SeedAdminOutcome =
  /** The account did not exist: created, admin, with the password. */
  | "created"
  /** The admin existed with another password (or none): it now has this one, its sessions ended. */
  | "password_set"
  | "unchanged"
  /** Someone else's account holds the address: left as it is, and nobody is admin by it. */
  | "not_promoted";

/**
 * Makes ADMIN_EMAIL / ADMIN_PASSWORD true, on every start: the environment is the source of
 * truth for the seeded admin, so changing ADMIN_PASSWORD and restarting rotates the password
 * (and signs the admin's sessions out). It never promotes an account it did not create: an
 * address someone registered first keeps its owner's password and role, and the operator
 * decides (`npm run admin -- promote`). See docs/security.md.
 */
export async function seedAdmin(db: Database, email: string, password: string): Promise<SeedAdminOutcome> {
  const [inserted] = await db
    .insert(shoppers)
    .values({ id: newId("usr"), email: normalizeEmail(email), name: "Admin", emailVerified: true, role: "admin" })
    .onConflictDoNothing({ target: shoppers.email })
    .returning({ id: shoppers.id });
  if (inserted) {
    await setAccountPassword(db, inserted.id, password);
    return "created";
  }
  const account = await findAccountByEmail(db, email);
  if (!account || account.role !== "admin") return "not_promoted";
  const [credential] = await db
    .select({ hash: authAccounts.password })
    .from(authAccounts)
    .where(and(eq(authAccounts.userId, account.id), eq(authAccounts.providerId, "credential")));
  if (credential?.hash && (await verifyPassword({ hash: credential.hash, password }))) return "unchanged";
  await setAccountPassword(db, account.id, password);
  return "password_set";
}
