import "server-only";
import { eq } from "drizzle-orm";
import type { Database } from "@/server/db/client";
import { shoppers } from "@/server/db/schema";
import { findAccountByEmail } from "./find-account-by-email";

/**
 * Gives an existing account the admin role — the operator's deliberate act (`npm run admin --
 * promote`), never the seed's: whoever registered the address keeps their own password.
 */
export async function promoteAdmin(db: Database, email: string): Promise<"promoted" | "already_admin" | "no_account"> {
  const account = await findAccountByEmail(db, email);
  if (!account) return "no_account";
  if (account.role === "admin") return "already_admin";
  await db.update(shoppers).set({ role: "admin", updatedAt: new Date() }).where(eq(shoppers.id, account.id));
  return "promoted";
}
