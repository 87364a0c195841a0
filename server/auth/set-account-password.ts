import "server-only";
import { hashPassword } from "better-auth/crypto";
import { and, eq } from "drizzle-orm";
import type { Database, Transaction } from "@/server/db/client";
import { authAccounts, authSessions } from "@/server/db/schema";
import { newId } from "@/server/ids";

/**
 * Sets the email + password sign-in of an account (creating it when the account had none)
 * and signs out every session of that account: a password is changed because the old one
 * may be known, and a session opened with it must not outlive it. The hash is better-auth's
 * own (scrypt), so sign-in verifies it as any other. Returns how many sessions were ended.
 */
export async function setAccountPassword(db: Database | Transaction, shopperId: string, password: string): Promise<{ sessionsRevoked: number }> {
  const hash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const updated = await tx
      .update(authAccounts)
      .set({ password: hash, updatedAt: new Date() })
      .where(and(eq(authAccounts.userId, shopperId), eq(authAccounts.providerId, "credential")))
      .returning({ id: authAccounts.id });
    if (updated.length === 0) {
      await tx.insert(authAccounts).values({ id: newId("acc"), userId: shopperId, accountId: shopperId, providerId: "credential", password: hash });
    }
    const revoked = await tx.delete(authSessions).where(eq(authSessions.userId, shopperId)).returning({ id: authSessions.id });
    return { sessionsRevoked: revoked.length };
  });
}
