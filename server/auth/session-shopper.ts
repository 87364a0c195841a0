import "server-only";
import type { Shopper } from "@/server/db/schema";
import type { Auth } from "./auth";

/**
 * The shopper behind a browser session cookie, in the same shape as one found by API key.
 * better-auth's user is the `shoppers` row (see auth.ts), so this is a field-for-field copy.
 */
export async function shopperFromSession(auth: Auth, headers: Headers): Promise<Shopper | null> {
  if (!headers.get("cookie")) return null;
  const session = await auth.api.getSession({ headers });
  if (!session) return null;
  const user = session.user;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    emailVerified: user.emailVerified,
    image: user.image ?? null,
    isAnonymous: user.isAnonymous ?? false,
    role: user.role === "admin" ? "admin" : "shopper",
    banned: user.banned ?? false,
    banReason: user.banReason ?? null,
    banExpires: user.banExpires ?? null,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}
