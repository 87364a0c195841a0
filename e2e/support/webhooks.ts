/**
 * The payment provider's side of docs/api.md, "POST /webhooks/payments", written from the
 * docs alone (not with the app's signing code), so the specs check the contract rather than
 * the implementation.
 */
import { createHmac, randomBytes } from "node:crypto";
import type { Stack } from "./stack";

export function newWebhookId(): string {
  return `evt_${randomBytes(10).toString("hex")}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Lowercase hex HMAC-SHA256 over `{id}.{timestamp}.{raw body}`; the key is the base64-decoded part after `whsec_`. */
export function hexSignature(secret: string, id: string, timestamp: number, body: string): string {
  if (!secret.startsWith("whsec_")) throw new Error("A webhook secret looks like whsec_<base64>.");
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  return createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("hex");
}

/** The X-Webhook-* headers of one delivery; `signature` overrides the header value (several signatures, garbage…). */
export function xWebhookHeaders(
  secret: string,
  delivery: { id: string; timestamp: number; body: string; signature?: string },
): Record<string, string> {
  return {
    "Content-Type": "application/json",
    "X-Webhook-Id": delivery.id,
    "X-Webhook-Timestamp": String(delivery.timestamp),
    "X-Webhook-Signature": delivery.signature ?? `sha256=${hexSignature(secret, delivery.id, delivery.timestamp, delivery.body)}`,
  };
}

export async function postWebhook(stack: Stack, body: string, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  const response = await fetch(`${stack.baseURL}/webhooks/payments`, { method: "POST", headers, body });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** A correctly signed delivery of `payload` (X-Webhook-* style), as the real provider would send it. */
export async function sendWebhook(
  stack: Stack,
  payload: object,
  options: { id?: string; timestamp?: number } = {},
): Promise<{ status: number; body: any }> {
  const body = JSON.stringify(payload);
  const delivery = { id: options.id ?? newWebhookId(), timestamp: options.timestamp ?? nowSeconds(), body };
  return postWebhook(stack, body, xWebhookHeaders(stack.webhookSecret, delivery));
}
