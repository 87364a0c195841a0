import "server-only";
import { eq } from "drizzle-orm";
import type { Database } from "@/server/db/client";
import { shoppers } from "@/server/db/schema";

/** Addresses are stored lower-case (better-auth and the seed both normalise them). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The account registered under `email`, if any. */
export async function findAccountByEmail(db: Database, email: string): Promise<{ id: string; role: "shopper" | "admin" } | undefined> {
  const [account] = await db.select({ id: shoppers.id, role: shoppers.role }).from(shoppers).where(eq(shoppers.email, normalizeEmail(email)));
  return account;
}
