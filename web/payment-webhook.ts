import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { paymentWebhookSchema } from "@/lib/contract";
import { AppError, badRequest, unauthorized } from "@/server/errors";
import { json } from "@/server/http/api-response";
import { clientAddress } from "@/server/http/client-address";
import { readRawBody } from "@/server/http/read-json-body";
import { handlePaymentWebhook } from "@/server/payments/handle-payment-webhook";
import { logWebhookDelivery } from "@/server/payments/log-webhook-delivery";
import { verifyWebhook, WebhookSignatureError } from "@/server/payments/webhook-signature";
import type { ProcessServices } from "@/server/process-services";
import { webRequestOf, writeWebResponse } from "./node-adapter";
import { loggerFor } from "@/server/logging/logger";

const log = loggerFor("webhooks");

/**
 * POST /webhooks/payments — the payment provider reports an outcome (docs/api.md).
 * Served natively (decision 022): the provider's calls need none of Next's per-request work.
 */
export async function servePaymentWebhook(services: ProcessServices, req: IncomingMessage, res: ServerResponse): Promise<void> {
  await writeWebResponse(res, await receivePaymentWebhook(services, webRequestOf(req, { withBody: true })));
}

/**
 * Per address, every request spends from a generous budget and a failed signature from a
 * strict one; an address that spent the strict one is refused before its body is read
 * (429). Then verify over the raw bytes; nothing unauthenticated is parsed, acted on or
 * stored — it is counted and logged (refused-webhooks.ts). What is signed is logged, as
 * received, for the admin timeline. Errors are thrown as AppErrors, which the native router
 * answers with the contract's body.
 */
async function receivePaymentWebhook(services: ProcessServices, request: Request): Promise<Response> {
  const address = clientAddress(request.headers);
  await services.limits.admitWebhook(address);
  const db = services.db;
  const raw = await readRawBody(request);
  let webhook;
  try {
    webhook = verifyWebhook(request.headers, raw, webhookSecrets(services));
  } catch (err) {
    if (err instanceof WebhookSignatureError) {
      services.refusedWebhooks.record(err.message, address);
      await services.limits.failedWebhookSignature(address);
      throw unauthorized(err.message);
    }
    throw err;
  }
  let payload: unknown;
  try {
    payload = JSON.parse(raw.toString("utf8"));
  } catch {
    await logWebhookDelivery(db, { outcome: "invalid", raw, webhookId: webhook.id, detail: "not JSON" });
    throw badRequest("The body is not valid JSON.");
  }
  const parsed = paymentWebhookSchema.safeParse(payload);
  if (!parsed.success) {
    await logWebhookDelivery(db, { outcome: "invalid", raw, webhookId: webhook.id, orderId: orderIdIn(raw), detail: "schema violation" });
    throw badRequest("The webhook body does not match the schema.", parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  }
  const delivery = { raw, webhookId: webhook.id, orderId: parsed.data.order_id, event: parsed.data.event };
  try {
    // Logged by the handling statement itself (decision 057).
    const outcome = await handlePaymentWebhook(db, (await services.jobs()).steps, webhook.id, parsed.data, raw);
    log.debug({ order_id: delivery.orderId, webhook_id: webhook.id, event: delivery.event, outcome }, "payment webhook received");
    return json(200, { received: true, duplicate: outcome === "duplicate" });
  } catch (err) {
    if (err instanceof AppError && err.status === 404) await logWebhookDelivery(db, { ...delivery, outcome: "unknown_order" });
    throw err;
  }
}

/** The current secret and, during a rotation, the previous one (docs/security.md). */
function webhookSecrets({ config }: ProcessServices): string[] {
  const { PAYMENT_WEBHOOK_SECRET: current, PAYMENT_WEBHOOK_SECRET_PREVIOUS: previous } = config;
  return previous ? [current, previous] : [current];
}

/** The order a delivery claims to be about, read from JSON we do not otherwise trust. */
function orderIdIn(raw: Buffer): string | null {
  try {
    const value = (JSON.parse(raw.toString("utf8")) as { order_id?: unknown }).order_id;
    return typeof value === "string" && value.length <= 64 ? value : null;
  } catch {
    return null;
  }
}
