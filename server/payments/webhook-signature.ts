import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Signed payment webhooks (docs/api.md, "POST /webhooks/payments"). Two header styles carry the same signature
 * over `{id}.{timestamp}.{raw body}` with the same key:
 *   X-Webhook-Id / X-Webhook-Timestamp / X-Webhook-Signature: sha256=<hex>
 *   webhook-id / webhook-timestamp / webhook-signature: v1,<base64>   (Standard Webhooks)
 * Several space-separated signatures may be sent during a secret rotation; one valid
 * signature suffices. Comparison is constant-time. On our side, a rotation of the secret
 * verifies against the new and the previous one until the provider signs with the new one
 * (PAYMENT_WEBHOOK_SECRET_PREVIOUS, docs/security.md).
 */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export type WebhookHeaders = { get(name: string): string | null };

export type VerifiedWebhook = { id: string; timestamp: number };

export class WebhookSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookSignatureError";
  }
}

/** `whsec_<base64>` → the HMAC key bytes. */
export function webhookKey(secret: string): Buffer {
  if (!secret.startsWith("whsec_")) throw new Error("A webhook secret must look like whsec_<base64>.");
  return Buffer.from(secret.slice("whsec_".length), "base64");
}

export function signPayload(key: Buffer, id: string, timestamp: number, body: string | Buffer): Buffer {
  return createHmac("sha256", key).update(`${id}.${timestamp}.`).update(body).digest();
}

/** `secrets`: every secret a genuine delivery may be signed with (the current one, and during a rotation the previous one). */
export function verifyWebhook(
  headers: WebhookHeaders,
  rawBody: Buffer,
  secrets: string | readonly string[],
  nowSeconds = Math.floor(Date.now() / 1000),
): VerifiedWebhook {
  const id = headers.get("x-webhook-id") ?? headers.get("webhook-id");
  const timestampText = headers.get("x-webhook-timestamp") ?? headers.get("webhook-timestamp");
  if (!id || !timestampText || !(headers.get("x-webhook-signature") ?? headers.get("webhook-signature"))) {
    throw new WebhookSignatureError("Missing webhook id, timestamp or signature headers.");
  }
  const signatures = parseSignatures(headers);
  if (signatures.length === 0) {
    throw new WebhookSignatureError("No signature in a known format (sha256=<lowercase hex> or v1,<base64>).");
  }
  if (!/^\d{1,12}$/.test(timestampText)) throw new WebhookSignatureError("The webhook timestamp must be unix seconds.");
  const timestamp = Number(timestampText);
  if (Math.abs(nowSeconds - timestamp) > WEBHOOK_TOLERANCE_SECONDS) {
    throw new WebhookSignatureError(`The webhook timestamp is more than ${WEBHOOK_TOLERANCE_SECONDS} s away from now.`);
  }
  const expected = (typeof secrets === "string" ? [secrets] : secrets).map((secret) => signPayload(webhookKey(secret), id, timestamp, rawBody));
  const valid = expected.some((mac) => signatures.some((candidate) => candidate.length === mac.length && timingSafeEqual(candidate, mac)));
  if (!valid) throw new WebhookSignatureError("No valid webhook signature.");
  return { id, timestamp };
}

/** Every signature offered, as raw bytes, whichever header style carried it. */
function parseSignatures(headers: WebhookHeaders): Buffer[] {
  const out: Buffer[] = [];
  for (const token of (headers.get("x-webhook-signature") ?? "").split(" ")) {
    const match = /^sha256=([0-9a-f]{64})$/.exec(token.trim());
    if (match?.[1]) out.push(Buffer.from(match[1], "hex"));
  }
  for (const token of (headers.get("webhook-signature") ?? "").split(" ")) {
    const match = /^v1,([A-Za-z0-9+/=]+)$/.exec(token.trim());
    if (match?.[1]) out.push(Buffer.from(match[1], "base64"));
  }
  return out;
}

/** Headers for a webhook we send (the payment simulator), in the X-Webhook style. */
export function signedWebhookHeaders(secret: string, id: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = signPayload(webhookKey(secret), id, timestamp, body).toString("hex");
  return {
    "Content-Type": "application/json",
    "X-Webhook-Id": id,
    "X-Webhook-Timestamp": String(timestamp),
    "X-Webhook-Signature": `sha256=${signature}`,
  };
}
