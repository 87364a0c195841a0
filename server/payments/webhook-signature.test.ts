import { createHmac } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { signedWebhookHeaders, verifyWebhook, WebhookSignatureError } from "./webhook-signature";

const SECRET = "whsec_" + Buffer.from("test-secret-bytes").toString("base64");
const OTHER_SECRET = "whsec_" + Buffer.from("someone-else").toString("base64");
const BODY = '{"event":"payment.completed","order_id":"ord_x7k9","amount":49.98,"currency":"USD"}';
const NOW = 1_776_090_727;

const headers = (h: Record<string, string>) => new Headers(h);
const hexSignature = (secret: string, id: string, ts: number, body: string) =>
  createHmac("sha256", Buffer.from(secret.slice(6), "base64")).update(`${id}.${ts}.${body}`).digest("hex");

describe("verifyWebhook", () => {
  it("accepts the X-Webhook-* style, signed independently of the app's code", () => {
    const h = headers({ "X-Webhook-Id": "evt_1", "X-Webhook-Timestamp": String(NOW), "X-Webhook-Signature": `sha256=${hexSignature(SECRET, "evt_1", NOW, BODY)}` });
    expect(verifyWebhook(h, Buffer.from(BODY), SECRET, NOW)).toEqual({ id: "evt_1", timestamp: NOW });
  });

  it("accepts Standard Webhooks headers produced by the standardwebhooks library", () => {
    const signature = new Webhook(SECRET).sign("msg_1", new Date(NOW * 1000), BODY);
    const h = headers({ "webhook-id": "msg_1", "webhook-timestamp": String(NOW), "webhook-signature": signature });
    expect(verifyWebhook(h, Buffer.from(BODY), SECRET, NOW).id).toBe("msg_1");
  });

  it("accepts a rotation list where one signature is valid", () => {
    const good = hexSignature(SECRET, "evt_2", NOW, BODY);
    const old = hexSignature(OTHER_SECRET, "evt_2", NOW, BODY);
    const h = headers({ "X-Webhook-Id": "evt_2", "X-Webhook-Timestamp": String(NOW), "X-Webhook-Signature": `sha256=${old} sha256=${good}` });
    expect(verifyWebhook(h, Buffer.from(BODY), SECRET, NOW).id).toBe("evt_2");
  });

  type Delivery = { headers: Record<string, string>; body: string };
  const rejected: [string, Delivery][] = [
    ["a tampered body", { headers: signedWebhookHeaders(SECRET, "evt_3", BODY, NOW), body: BODY.replace("49.98", "0.01") }],
    ["the wrong secret", { headers: signedWebhookHeaders(OTHER_SECRET, "evt_3", BODY, NOW), body: BODY }],
    ["a stale timestamp", { headers: signedWebhookHeaders(SECRET, "evt_3", BODY, NOW - 301), body: BODY }],
    ["a timestamp from the future", { headers: signedWebhookHeaders(SECRET, "evt_3", BODY, NOW + 301), body: BODY }],
    ["a signature for another id", { headers: { ...signedWebhookHeaders(SECRET, "evt_3", BODY, NOW), "X-Webhook-Id": "evt_4" }, body: BODY }],
    ["no signature", { headers: { "X-Webhook-Id": "evt_3", "X-Webhook-Timestamp": String(NOW) }, body: BODY }],
  ];
  it.each(rejected)("rejects %s", (_name, delivery) => {
    expect(() => verifyWebhook(headers(delivery.headers), Buffer.from(delivery.body), SECRET, NOW)).toThrow(WebhookSignatureError);
  });

  it("during our own rotation, accepts a delivery signed with either the current or the previous secret, and no other", () => {
    const THIRD = "whsec_" + Buffer.from("neither-of-them").toString("base64");
    const both = [SECRET, OTHER_SECRET];
    for (const signer of both) {
      const h = signedWebhookHeaders(signer, "evt_6", BODY, NOW);
      expect(verifyWebhook(headers(h), Buffer.from(BODY), both, NOW).id).toBe("evt_6");
    }
    expect(() => verifyWebhook(headers(signedWebhookHeaders(THIRD, "evt_6", BODY, NOW)), Buffer.from(BODY), both, NOW)).toThrow(WebhookSignatureError);
    // Once the previous secret is dropped, its signatures stop counting.
    expect(() => verifyWebhook(headers(signedWebhookHeaders(OTHER_SECRET, "evt_6", BODY, NOW)), Buffer.from(BODY), [SECRET], NOW)).toThrow(WebhookSignatureError);
  });

  it("accepts the edge of the 300 s tolerance", () => {
    const h = signedWebhookHeaders(SECRET, "evt_5", BODY, NOW - 300);
    expect(verifyWebhook(headers(h), Buffer.from(BODY), SECRET, NOW).id).toBe("evt_5");
  });
});
