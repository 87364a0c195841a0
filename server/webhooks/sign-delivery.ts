import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";

/** A new endpoint secret: `whsec_` + 32 random bytes in base64 (the Standard Webhooks form). */
export function newEndpointSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/**
 * The headers of one delivery attempt (CONTRACT §8): the Standard Webhooks trio, signed by
 * the `standardwebhooks` package with every secret in force — two space-separated signatures
 * while a rotated-out secret is still in its overlap, so receivers holding either verify.
 */
export function deliveryHeaders(input: { messageId: string; body: string; secrets: string[]; at: Date; traceparent: string }): Record<string, string> {
  const signatures = input.secrets.map((secret) => new Webhook(secret).sign(input.messageId, input.at, input.body));
  return {
    "Content-Type": "application/json",
    "webhook-id": input.messageId,
    "webhook-timestamp": String(Math.floor(input.at.getTime() / 1000)),
    "webhook-signature": signatures.join(" "),
    traceparent: input.traceparent,
  };
}

/**
 * A W3C traceparent for an attempt made with tracing off (no span to name): the trace id is
 * derived from the subject (order or batch), so every delivery of one order still shares a
 * trace, and each attempt is a fresh span. With tracing on, the attempt's own span is sent.
 */
export function traceparentFor(subjectId: string): string {
  const traceId = createHash("sha256").update(`conveyor-trace:${subjectId}`).digest("hex").slice(0, 32);
  const spanId = randomBytes(8).toString("hex");
  return `00-${traceId}-${spanId}-01`;
}
