import "server-only";
import { eq, sql } from "drizzle-orm";
import type { Database } from "@/server/db/client";
import { webhookEndpoints } from "@/server/db/schema";
import { findOwnedEndpoint } from "./find-owned-endpoint";
import { newEndpointSecret } from "./sign-delivery";

/** How long a rotated-out secret still signs deliveries, beside the new one (CONTRACT §8). */
export const ROTATION_OVERLAP_HOURS = 24;

/**
 * POST /api/webhook-endpoints/{id}/rotate-secret: a new secret, shown once; the old one keeps
 * signing (a second signature) for 24 h so receivers can switch without losing a delivery.
 * Rotating again within the overlap drops the oldest: the secret just replaced stays valid
 * beside the new one.
 */
export async function rotateWebhookSecret(db: Database, shopperId: string, endpointId: string): Promise<{ secret: string }> {
  return db.transaction(async (tx) => {
    const endpoint = await findOwnedEndpoint(tx, shopperId, endpointId, { forUpdate: true });
    const secret = newEndpointSecret();
    await tx
      .update(webhookEndpoints)
      .set({
        secret,
        previousSecret: endpoint.secret,
        previousSecretExpiresAt: sql`now() + make_interval(hours => ${ROTATION_OVERLAP_HOURS})`,
        updatedAt: sql`now()`,
      })
      .where(eq(webhookEndpoints.id, endpointId));
    return { secret };
  });
}
