import { eq } from "drizzle-orm";
import { webhookEndpoints, webhookMessages } from "@/server/db/schema";
import { expect, test, useSharedStack } from "../support/fixtures";
import { endpointCall, startReceiver } from "../support/webhook-receiver";

/**
 * Outbound webhooks against SSRF (CONTRACT §8, docs/security.md) on a stack configured as
 * production is: WEBHOOK_ALLOW_PRIVATE_TARGETS=false. Registration refuses http and every
 * target that is or resolves to a private address; and an endpoint that got past
 * registration (written straight into the database here, as DNS rebinding would make a
 * public name point at loopback later) gets no connection: the worker's lookup refuses it.
 */
useSharedStack("productionDoors");

test("private targets are refused at registration and at connection", async ({ stack, shopper, api }) => {
  const receiver = await startReceiver();
  try {
    const port = new URL(receiver.url).port;
    for (const url of [receiver.url, `https://127.0.0.1:${port}/webhooks`, `https://localhost:${port}/webhooks`, "https://[::1]/webhooks", "https://169.254.169.254/latest/meta-data", "https://10.0.0.1/hook"]) {
      const refused = await endpointCall(stack, shopper, "POST", "", { url });
      expect(refused.status, url).toBe(400);
      expect(refused.body.error.code, url).toBe("invalid_request");
    }
    expect((await endpointCall(stack, shopper, "GET", "")).body.data).toEqual([]);

    // Past registration, as a name rebound to loopback would be: the connection is refused, nothing reaches the receiver.
    const [row] = await stack.db
      .insert(webhookEndpoints)
      .values({ id: `we_rebound${Date.now()}`, shopperId: shopper.id, url: `https://localhost:${port}/webhooks`, events: ["order.status_changed"], secret: "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ=" })
      .returning();
    await api.placeOrder();
    const attempts = async () => (await endpointCall(stack, shopper, "GET", `/${row!.id}/deliveries`)).body.data.flatMap((d: { attempts: { error?: string }[] }) => d.attempts);
    await expect.poll(async () => (await attempts()).length).toBeGreaterThan(0);
    expect((await attempts())[0].error).toMatch(/not a public address/);
    expect(receiver.deliveries).toEqual([]);
    expect((await stack.db.select().from(webhookMessages).where(eq(webhookMessages.endpointId, row!.id))).length).toBeGreaterThan(0);
  } finally {
    await receiver.close();
  }
});
