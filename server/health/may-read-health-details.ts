import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import type { ProcessServices } from "@/server/process-services";
import { createTRPCContext } from "@/server/trpc/init";

/**
 * Whether the caller of /api/health may see its details (dead letters per step): a monitor
 * sending `Authorization: Bearer $HEALTH_TOKEN`, or an admin identified as the admin
 * procedures identify one (session cookie, or an admin's API key). Anyone else — a load
 * balancer, a stranger, a caller whose credentials cannot be checked because the database is
 * down — gets the public answer, never a 401: a health probe must keep working unauthenticated.
 */
export async function mayReadHealthDetails(services: ProcessServices, headers: Headers): Promise<boolean> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.get("authorization") ?? "")?.[1];
  const token = services.config.HEALTH_TOKEN;
  if (token && bearer && sameSecret(bearer, token)) return true;
  if (!bearer && !headers.get("cookie")) return false;
  try {
    const { shopper } = await createTRPCContext({ services, headers });
    return shopper?.role === "admin";
  } catch {
    return false;
  }
}

/** Constant-time, whatever the lengths (both sides hashed to the same size first). */
function sameSecret(offered: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(offered), digest(expected));
}
