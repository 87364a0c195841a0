import "server-only";
import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { webhookEndpoints, type Shopper, type WebhookEndpoint } from "@/server/db/schema";
import { forbidden, notFound } from "@/server/errors";

const ENDPOINT_ID = /^we_[a-z0-9]{1,64}$/;

/** Webhooks are for accounts: a guest (anonymous browser shopper) could never come back to its endpoints. */
export function assertAccount(shopper: Pick<Shopper, "isAnonymous">): void {
  if (shopper.isAnonymous) throw forbidden("Webhook endpoints belong to accounts: sign up or sign in, or use an API key.");
}

/** One of the shopper's endpoints; someone else's is "not found", exactly like one that does not exist. */
export async function findOwnedEndpoint(db: DbOrTx, shopperId: string, endpointId: string, options: { forUpdate?: boolean } = {}): Promise<WebhookEndpoint> {
  if (!ENDPOINT_ID.test(endpointId)) throw notFound(`No webhook endpoint ${endpointId}.`);
  const query = db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.shopperId, shopperId)));
  const [endpoint] = options.forUpdate ? await query.for("update") : await query;
  if (!endpoint) throw notFound(`No webhook endpoint ${endpointId}.`);
  return endpoint;
}
