import { paymentWebhookSchema } from "@/lib/contract";
import { webStepQueue } from "@/jobs/step-queue";
import { getDb } from "@/server/db/client";
import { env } from "@/server/env";
import { badRequest, unauthorized } from "@/server/errors";
import { apiRoute, json } from "@/server/http/api-response";
import { readRawBody } from "@/server/http/read-json-body";
import { handlePaymentWebhook } from "@/server/payments/handle-payment-webhook";
import { verifyWebhook, WebhookSignatureError } from "@/server/payments/webhook-signature";
import { methodsOtherThan } from "@/server/http/method-not-allowed";

export const dynamic = "force-dynamic";
export const { GET, PUT, PATCH, DELETE } = methodsOtherThan("POST");

/**
 * POST /webhooks/payments — the payment provider reports an outcome (CONTRACT.md §3).
 * Verify over the raw bytes first; nothing unauthenticated is parsed or stored.
 */
export const POST = apiRoute(async (request: Request) => {
  const raw = await readRawBody(request);
  let webhook;
  try {
    webhook = verifyWebhook(request.headers, raw, env().PAYMENT_WEBHOOK_SECRET);
  } catch (err) {
    if (err instanceof WebhookSignatureError) throw unauthorized(err.message);
    throw err;
  }
  let payload: unknown;
  try {
    payload = JSON.parse(raw.toString("utf8"));
  } catch {
    throw badRequest("The body is not valid JSON.");
  }
  const parsed = paymentWebhookSchema.safeParse(payload);
  if (!parsed.success) {
    throw badRequest("The webhook body does not match the schema.", parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  }
  const outcome = await handlePaymentWebhook(getDb(), await webStepQueue(), webhook.id, parsed.data);
  return json(200, { received: true, duplicate: outcome === "duplicate" });
});
