import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookAttempts, webhookEndpoints, webhookMessages } from "@/server/db/schema";
import type { EmailMessage, EmailService } from "@/server/email/email-service";
import { transitionOrder } from "@/server/orders/order-state-machine";
import { placeOrder } from "@/server/orders/place-order";
import { useServiceDatabase } from "@/tests/support/service-database";
import { createWebhookEndpoint } from "./create-webhook-endpoint";
import { deliverWebhookMessage, type DeliveryDependencies } from "./deliver-webhook-message";
import { emitBatchCompleted } from "./emit-batch-completed";
import { endpointPoster } from "./post-to-endpoint";
import { retryWebhookDelivery } from "./retry-webhook-delivery";
import { rotateWebhookSecret } from "./rotate-webhook-secret";
import { listWebhookDeliveries } from "./list-webhook-deliveries";
import { pruneWebhookDeliveries } from "./prune-webhook-deliveries";
import { WEBHOOK_DELIVERY_QUEUE } from "@/lib/webhook-types";

const svc = useServiceDatabase();

type Received = { headers: IncomingHttpHeaders; body: string };

/** A receiver on loopback answering each request with the next status of `answers` (the last one repeats). */
async function receiver(answers: number[]): Promise<{ url: () => string; received: Received[]; close: () => Promise<void>; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.statusCode = answers[Math.min(received.length - 1, answers.length - 1)]!;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    server,
    received,
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const sent: EmailMessage[] = [];
const email: EmailService = {
  async send(message) {
    if (!sent.some((m) => (m as EmailMessage & { idempotencyKey: string }).idempotencyKey === message.idempotencyKey)) sent.push(message);
    return { messageId: message.idempotencyKey };
  },
};

const allowPrivate = { allowPrivate: true };
const deps = (): DeliveryDependencies => ({ db: svc().db, post: endpointPoster(allowPrivate), email, schedule: [5, 300], endpointConcurrency: 2 });

async function newOrder(shopperId: string): Promise<string> {
  const { db, queue } = svc();
  const placed = await placeOrder(db, queue, { shopperId, body: { items: [{ sku: "GADGET-7", quantity: 1 }], payment_method: "pm_visa_4242" } });
  return placed.orderId;
}

const messagesOf = (endpointId: string) => svc().db.select().from(webhookMessages).where(eq(webhookMessages.endpointId, endpointId)).orderBy(webhookMessages.seq);

/** Runs the job the message names now, as the worker would. */
async function runJob(messageId: string, dependencies = deps()) {
  const [message] = await svc().db.select().from(webhookMessages).where(eq(webhookMessages.id, messageId));
  return { jobId: message!.jobId!, result: await deliverWebhookMessage(dependencies, messageId, message!.jobId!) };
}

describe("outbound webhooks", () => {
  let ok: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    ok = await receiver([200]);
  });
  afterAll(() => ok.close());

  it("an order event becomes one message and one delivery job per subscribed endpoint, in its own transaction", async () => {
    const { db, newShopperId } = svc();
    const owner = await newShopperId();
    const endpoint = await createWebhookEndpoint(db, owner, { url: ok.url() }, allowPrivate);
    const batchesOnly = await createWebhookEndpoint(db, owner, { url: ok.url(), events: ["batch.completed"] }, allowPrivate);
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(endpoint.id).toMatch(/^we_[a-z0-9]{20}$/);

    const orderId = await newOrder(owner);
    const [message] = await messagesOf(endpoint.id);
    expect(message).toMatchObject({ type: "order.status_changed", orderId, state: "pending", attemptCount: 0 });
    expect(message!.id).toMatch(/^msg_[a-z0-9]{20}$/);
    const { rows: jobs } = await db.execute<{ name: string; group_id: string; data: { messageId: string } }>(
      sql`SELECT name, group_id, data FROM pgboss.job WHERE id = ${message!.jobId}`,
    );
    expect(jobs).toEqual([{ name: "webhook.deliver", group_id: endpoint.id, data: { messageId: message!.id } }]);
    expect(await messagesOf(batchesOnly.id)).toEqual([]);

    // A status change that rolls back leaves no message behind.
    await db
      .transaction(async (tx) => {
        await transitionOrder(tx, orderId, "payment_processing");
        throw new Error("rolled back");
      })
      .catch(() => {});
    expect(await messagesOf(endpoint.id)).toHaveLength(1);
    // Several events in one statement (as intake writes a group's): one message each, in order.
    await db.execute(sql`INSERT INTO order_events (id, order_id, status) VALUES ('evt_multi1', ${orderId}, 'payment_processing'), ('evt_multi2', ${orderId}, 'payment_confirmed')`);
    expect((await messagesOf(endpoint.id)).map((m) => m.orderEventId)).toEqual([message!.orderEventId, "evt_multi1", "evt_multi2"]);

    // An owner without endpoints gets nothing.
    const other = await newOrder(await newShopperId());
    expect((await db.select().from(webhookMessages).where(eq(webhookMessages.orderId, other))).length).toBe(0);
  });

  it("delivers a signed body built once, and a job run twice sends once", async () => {
    const { db, newShopperId } = svc();
    const owner = await newShopperId();
    const endpoint = await createWebhookEndpoint(db, owner, { url: ok.url(), events: ["order.status_changed"] }, allowPrivate);
    const orderId = await newOrder(owner);
    const [message] = await messagesOf(endpoint.id);
    const before = ok.received.length;
    const { jobId, result } = await runJob(message!.id);
    expect(result).toBe("delivered");
    expect(await deliverWebhookMessage(deps(), message!.id, jobId)).toBe("stale");
    expect(ok.received.length).toBe(before + 1);

    const delivery = ok.received[before]!;
    const verified = new Webhook(endpoint.secret).verify(delivery.body, delivery.headers as Record<string, string>) as { id: string; type: string; data: Record<string, unknown> };
    expect(verified.id).toBe(message!.id);
    expect(delivery.headers["webhook-id"]).toBe(message!.id);
    expect(delivery.headers["content-type"]).toBe("application/json");
    expect(delivery.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(verified.type).toBe("order.status_changed");
    expect(verified.data).toMatchObject({ order_id: orderId, status: "pending", total: 12.5, currency: "USD" });
    expect(verified.data).not.toHaveProperty("events");

    const [stored] = await db.select().from(webhookMessages).where(eq(webhookMessages.id, message!.id));
    expect(stored).toMatchObject({ state: "delivered", attemptCount: 1, jobId: null, body: delivery.body });
    const log = await listWebhookDeliveries(db, owner, endpoint.id);
    expect(log.data[0]).toEqual({ message_id: message!.id, type: "order.status_changed", state: "delivered", attempts: [{ at: expect.any(String), status_code: 200, duration_ms: expect.any(Number) }] });
  });

  it("never starts more attempts at once on an endpoint than its bound: a job that finds it full hands its message to a later job", async () => {
    const { db, newShopperId } = svc();
    const owner = await newShopperId();
    const endpoint = await createWebhookEndpoint(db, owner, { url: ok.url(), events: ["order.status_changed"] }, allowPrivate);
    await newOrder(owner);
    await newOrder(owner);
    const [first, second] = await messagesOf(endpoint.id);
    // The first message's attempt is in flight (claimed by another worker) and the bound is one.
    await db.update(webhookMessages).set({ claimedUntil: sql`now() + interval '90 seconds'` }).where(eq(webhookMessages.id, first!.id));
    const before = ok.received.length;
    const { jobId, result } = await runJob(second!.id, { ...deps(), endpointConcurrency: 1 });
    expect(result).toBe("busy");
    expect(ok.received.length).toBe(before);
    const [handedOver] = await db.select().from(webhookMessages).where(eq(webhookMessages.id, second!.id));
    expect(handedOver).toMatchObject({ state: "pending", attemptCount: 0, claimedUntil: null });
    expect(handedOver!.jobId).not.toBe(jobId);
    expect(handedOver!.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now());
    // Once the slot is free the new job sends it.
    await db.update(webhookMessages).set({ claimedUntil: null }).where(eq(webhookMessages.id, first!.id));
    expect((await runJob(second!.id, { ...deps(), endpointConcurrency: 1 })).result).toBe("delivered");
  });

  it("retries a failed attempt with the same bytes on a new job, then fails it when the schedule is spent", async () => {
    const { db, newShopperId } = svc();
    const failing = await receiver([500, 503, 500]);
    try {
      const owner = await newShopperId();
      const endpoint = await createWebhookEndpoint(db, owner, { url: failing.url() }, allowPrivate);
      await newOrder(owner);
      const [message] = await messagesOf(endpoint.id);
      const beforeAttempt = Date.now();
      const first = await runJob(message!.id);
      expect(first.result).toBe("retrying");
      const [after] = await db.select().from(webhookMessages).where(eq(webhookMessages.id, message!.id));
      expect(after!.jobId).not.toBe(first.jobId);
      expect(after!.state).toBe("pending");
      // The schedule's first delay is 5 s ± 20 %, counted from the attempt (which began after beforeAttempt).
      expect(after!.nextAttemptAt!.getTime() - beforeAttempt).toBeGreaterThanOrEqual(4000);
      expect(after!.nextAttemptAt!.getTime() - Date.now()).toBeLessThanOrEqual(6000);
      expect(await deliverWebhookMessage(deps(), message!.id, first.jobId)).toBe("stale");
      expect((await runJob(message!.id)).result).toBe("retrying");
      expect((await runJob(message!.id)).result).toBe("failed");
      expect(failing.received.map((r) => r.body)).toEqual([failing.received[0]!.body, failing.received[0]!.body, failing.received[0]!.body]);
      expect(new Set(failing.received.map((r) => r.headers["webhook-id"]))).toEqual(new Set([message!.id]));
      const attempts = await db.select().from(webhookAttempts).where(eq(webhookAttempts.messageId, message!.id));
      expect(attempts.map((a) => a.statusCode)).toEqual([500, 503, 500]);
      const [endpointRow] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
      expect(endpointRow!.failingSince).toBeInstanceOf(Date);

      // A manual retry sends it again now, on a new job.
      const retried = await retryWebhookDelivery(db, owner, endpoint.id, message!.id);
      expect(retried.state).toBe("pending");
      expect((await runJob(message!.id)).result).toBe("failed");
      expect(failing.received).toHaveLength(4);
    } finally {
      await failing.close();
    }
  });

  it("a 410 disables the endpoint at once; 5 days of failures disable it and email the owner once", async () => {
    const { db, newShopperId } = svc();
    const gone = await receiver([410]);
    try {
      const owner = await newShopperId();
      const endpoint = await createWebhookEndpoint(db, owner, { url: gone.url() }, allowPrivate);
      await newOrder(owner);
      const [message] = await messagesOf(endpoint.id);
      expect((await runJob(message!.id)).result).toBe("failed");
      const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
      expect(row).toMatchObject({ status: "disabled", disabledReason: "The endpoint answered 410 Gone." });
    } finally {
      await gone.close();
    }

    const dead = await receiver([500]);
    try {
      const owner = await newShopperId();
      const endpoint = await createWebhookEndpoint(db, owner, { url: dead.url() }, allowPrivate);
      await db.update(webhookEndpoints).set({ failingSince: new Date(Date.now() - 6 * 24 * 3600 * 1000) }).where(eq(webhookEndpoints.id, endpoint.id));
      await newOrder(owner);
      const [message] = await messagesOf(endpoint.id);
      const before = sent.length;
      expect((await runJob(message!.id)).result).toBe("retrying");
      const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
      expect(row).toMatchObject({ status: "disabled", disabledReason: "Every delivery failed for 5 days.", ownerNoticePending: false });
      expect(sent.slice(before).map((m) => m.template)).toEqual(["webhook_endpoint_disabled"]);
      // The next attempt finds the endpoint disabled and sends nothing.
      expect((await runJob(message!.id)).result).toBe("endpoint_disabled");
      expect(dead.received).toHaveLength(1);
    } finally {
      await dead.close();
    }
  });

  it("during a rotation's overlap every delivery verifies with the old and with the new secret", async () => {
    const { db, newShopperId } = svc();
    const owner = await newShopperId();
    const endpoint = await createWebhookEndpoint(db, owner, { url: ok.url() }, allowPrivate);
    const { secret } = await rotateWebhookSecret(db, owner, endpoint.id);
    expect(secret).not.toBe(endpoint.secret);
    await newOrder(owner);
    const [message] = await messagesOf(endpoint.id);
    const before = ok.received.length;
    expect((await runJob(message!.id)).result).toBe("delivered");
    const delivery = ok.received[before]!;
    expect(String(delivery.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    for (const key of [endpoint.secret, secret]) expect(() => new Webhook(key).verify(delivery.body, delivery.headers as Record<string, string>)).not.toThrow();
  });

  it("emitBatchCompleted writes batch.completed messages in the caller's transaction", async () => {
    const { db, newShopperId } = svc();
    const owner = await newShopperId();
    const endpoint = await createWebhookEndpoint(db, owner, { url: ok.url(), events: ["batch.completed"] }, allowPrivate);
    await db.transaction((tx) => emitBatchCompleted(tx, { id: "bat_test1", shopperId: owner })).catch(() => {});
    await db
      .transaction(async (tx) => {
        await emitBatchCompleted(tx, { id: "bat_rolledback", shopperId: owner });
        throw new Error("rolled back");
      })
      .catch(() => {});
    const messages = await messagesOf(endpoint.id);
    expect(messages.map((m) => [m.type, m.batchId])).toEqual([["batch.completed", "bat_test1"]]);
    // No such batch (loadBatchView finds none): the message fails without a request, and the endpoint is not blamed.
    const before = ok.received.length;
    expect((await runJob(messages[0]!.id)).result).toBe("subject_gone");
    expect(ok.received.length).toBe(before);
    const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(row!.failingSince).toBeNull();
  });

  it("a delivery job is the row pg-boss's send() stores for the queue, grouped by endpoint", async () => {
    const { db, boss } = svc();
    const shape = `name, priority, state, retry_limit, retry_delay, retry_backoff, retry_delay_max, expire_seconds, deletion_seconds,
      singleton_key, singleton_on, group_id, group_tier, policy, dead_letter, heartbeat_seconds, blocked, blocking, pending_dependencies,
      extract(epoch FROM start_after - created_on)::int AS delay_s, extract(epoch FROM keep_until - start_after)::int AS retention_s`;
    const sentId = await boss.send(WEBHOOK_DELIVERY_QUEUE, { messageId: "msg_viasend" }, { group: { id: "we_same" } });
    const { rows: scheduled } = await db.execute<{ id: string }>(sql`SELECT webhook_schedule_delivery('msg_viasql', 'we_same', NULL) AS id`);
    const row = async (id: string) => (await db.execute(sql.raw(`SELECT ${shape} FROM pgboss.job WHERE id = '${id}'`))).rows[0];
    expect(await row(scheduled[0]!.id)).toEqual(await row(sentId!));
  });

  it("prunes settled messages (and their attempts) past the retention, never a pending one", async () => {
    const { db, newShopperId } = svc();
    const owner = await newShopperId();
    const endpoint = await createWebhookEndpoint(db, owner, { url: ok.url() }, allowPrivate);
    await newOrder(owner);
    const [message] = await messagesOf(endpoint.id);
    expect((await runJob(message!.id)).result).toBe("delivered");
    await newOrder(owner);
    const old = new Date(Date.now() - 40 * 86_400_000);
    await db.update(webhookMessages).set({ createdAt: old }).where(eq(webhookMessages.endpointId, endpoint.id));
    expect(await pruneWebhookDeliveries(db, 30)).toBeGreaterThanOrEqual(1);
    const left = await messagesOf(endpoint.id);
    expect(left.map((m) => m.state)).toEqual(["pending"]);
    expect(await db.select().from(webhookAttempts).where(eq(webhookAttempts.messageId, message!.id))).toEqual([]);
  });
});
