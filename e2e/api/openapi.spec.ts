import { expect, test } from "../support/fixtures";
import { Ajv2020 } from "ajv/dist/2020.js";
import { TWO_WIDGETS, waitForStatus } from "../support/api";
import { type Shopper, type Stack } from "../support/stack";
import { newWebhookId, nowSeconds, postWebhook, xWebhookHeaders } from "../support/webhooks";
import { startReceiver } from "../support/webhook-receiver";

// Each test keeps to its own shopper and orders: they run on any worker, in any order.
test.describe.configure({ mode: "parallel" });

/**
 * GET /api/openapi.json describes the API, and the API answers as described: every answer
 * below is checked against the document's response for its route, method and status (an
 * undocumented status fails too), so the description cannot drift from the code.
 */

type Method = "get" | "post" | "patch" | "delete";
let validator: {
  check(method: Method, path: string, status: number, contentType: string | null, body: unknown): void;
  /** An outbound delivery's body against the document's `webhooks` entry for its type. */
  checkWebhook(type: string, body: unknown): void;
  /** One value against a named schema of the document (an NDJSON line against its line schema). */
  checkComponent(name: string, value: unknown): void;
};

test.beforeAll(async ({ stack }) => {
  const response = await fetch(`${stack.baseURL}/api/openapi.json`);
  expect(response.status).toBe(200);
  const document = await response.json();
  expect(document.openapi).toBe("3.1.0");
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  ajv.addFormat("date-time", { validate: (value: string) => !Number.isNaN(Date.parse(value)) });
  ajv.addSchema(document, "openapi");
  const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll("~", "~0").replaceAll("/", "~1")).join("/");
  validator = {
    check(method, path, status, contentType, body) {
      const responses = document.paths[path]?.[method]?.responses;
      expect(responses, `${method.toUpperCase()} ${path} is described`).toBeDefined();
      expect(Object.keys(responses), `${method.toUpperCase()} ${path} documents ${status}`).toContain(String(status));
      const media = (contentType ?? "").split(";")[0]!.trim();
      const described = responses[String(status)].content ?? {};
      // An answer without a body (204) is described by a response without content.
      if (media === "" && body === undefined) return expect(Object.keys(described), `${method.toUpperCase()} ${path} ${status} has no body`).toEqual([]);
      expect(Object.keys(described), `${method.toUpperCase()} ${path} ${status} answers ${media}`).toContain(media);
      if (media !== "application/json") return;
      const validate = ajv.getSchema(`openapi#/${pointer("paths", path, method, "responses", String(status), "content", media, "schema")}`)!;
      expect(validate(body), `${method.toUpperCase()} ${path} ${status}: ${JSON.stringify(validate.errors)}\n${JSON.stringify(body)}`).toBe(true);
    },
    checkWebhook(type, body) {
      const validate = ajv.getSchema(`openapi#/${pointer("webhooks", type, "post", "requestBody", "content", "application/json", "schema")}`);
      expect(validate, `webhooks.${type} is described`).toBeDefined();
      expect(validate!(body), `webhook ${type}: ${JSON.stringify(validate!.errors)}\n${JSON.stringify(body)}`).toBe(true);
    },
    checkComponent(name, value) {
      const validate = ajv.getSchema(`openapi#/${pointer("components", "schemas", name)}`)!;
      expect(validate, `the document has a ${name} schema`).toBeDefined();
      expect(validate(value), `${name}: ${JSON.stringify(validate.errors)}\n${JSON.stringify(value)}`).toBe(true);
    },
  };
});

async function call(stack: Stack, method: Method, path: string, documentedPath: string, init: { shopper?: Shopper; headers?: Record<string, string>; body?: string } = {}) {
  const response = await fetch(`${stack.baseURL}${path}`, {
    method: method.toUpperCase(),
    headers: { ...(init.body !== undefined ? { "Content-Type": "application/json" } : {}), ...init.shopper?.headers, ...init.headers },
    body: init.body,
  });
  const type = response.headers.get("content-type");
  const body = type?.startsWith("application/json") ? await response.json() : await response.body?.cancel();
  validator.check(method, documentedPath, response.status, type, body);
  return { status: response.status, body, headers: response.headers };
}

test("the document is served and every order route answers as it describes", async ({ stack, shopper }) => {
  const accepted = await call(stack, "post", "/api/orders", "/api/orders", { shopper, body: JSON.stringify(TWO_WIDGETS), headers: { "Idempotency-Key": "openapi-1" } });
  expect(accepted.status).toBe(202);
  const replayed = await call(stack, "post", "/api/orders", "/api/orders", { shopper, body: JSON.stringify(TWO_WIDGETS), headers: { "Idempotency-Key": "openapi-1" } });
  expect(replayed.status).toBe(202);
  const settled = await call(stack, "post", "/api/orders", "/api/orders", { shopper, body: JSON.stringify(TWO_WIDGETS), headers: { Prefer: "wait=20" } });
  expect(settled.status).toBe(201);

  expect((await call(stack, "post", "/api/orders", "/api/orders", { body: JSON.stringify(TWO_WIDGETS) })).status).toBe(401);
  expect((await call(stack, "post", "/api/orders", "/api/orders", { shopper, body: "{" })).status).toBe(400);
  expect((await call(stack, "post", "/api/orders", "/api/orders", { shopper, body: JSON.stringify({ ...TWO_WIDGETS, total: 1 }) })).status).toBe(400);
  expect((await call(stack, "post", "/api/orders", "/api/orders", { shopper, body: JSON.stringify({ ...TWO_WIDGETS, user_id: "usr_someone_else" }) })).status).toBe(403);
  expect((await call(stack, "post", "/api/orders", "/api/orders", { shopper, body: JSON.stringify({ items: [{ sku: "NO-SUCH-SKU", quantity: 1 }], payment_method: "pm_visa_4242" }) })).status).toBe(422);
  expect((await call(stack, "post", "/api/orders", "/api/orders", { shopper, body: JSON.stringify({ ...TWO_WIDGETS, payment_method: "pm_card_declined" }), headers: { "Idempotency-Key": "openapi-1" } })).status).toBe(422);
  expect((await call(stack, "post", "/api/orders", "/api/orders", { shopper, headers: { "Content-Type": "text/plain" }, body: "x" })).status).toBe(415);
  expect((await call(stack, "post", "/api/orders", "/api/orders", { shopper, body: JSON.stringify({ ...TWO_WIDGETS, pad: "x".repeat(70_000) }) })).status).toBe(413);

  const orderId = accepted.body.order_id as string;
  await waitForStatus(stack, shopper, orderId, ["shipped"]);
  expect((await call(stack, "get", `/api/orders/${orderId}`, "/api/orders/{id}", { shopper })).status).toBe(200);
  expect((await call(stack, "get", "/api/orders/ord_doesnotexist", "/api/orders/{id}", { shopper })).status).toBe(404);
  expect((await call(stack, "get", `/api/orders/${orderId}`, "/api/orders/{id}")).status).toBe(401);
  const list = await call(stack, "get", "/api/orders?limit=1", "/api/orders", { shopper });
  expect(list.status).toBe(200);
  expect(list.body.next_cursor).toEqual(expect.any(String));
  expect((await call(stack, "get", "/api/orders?limit=0", "/api/orders", { shopper })).status).toBe(400);

  expect((await call(stack, "post", `/api/orders/${orderId}/cancel`, "/api/orders/{id}/cancel", { shopper })).status).toBe(409);
  const cancellable = await call(stack, "post", "/api/orders", "/api/orders", { shopper, body: JSON.stringify({ ...TWO_WIDGETS, items: [{ sku: "GADGET-7", quantity: 1 }] }) });
  await stack.setDownstream("payment", { outage: true });
  try {
    const cancelled = await call(stack, "post", `/api/orders/${cancellable.body.order_id}/cancel`, "/api/orders/{id}/cancel", { shopper });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe("cancelled");
  } finally {
    await stack.setDownstream("payment", { outage: false });
  }
  expect((await call(stack, "post", "/api/orders/ord_doesnotexist/cancel", "/api/orders/{id}/cancel", { shopper })).status).toBe(404);
});

test("streams, the payment webhook and health answer as described", async ({ stack, shopper }) => {
  const accepted = await call(stack, "post", "/api/orders", "/api/orders", { shopper, body: JSON.stringify(TWO_WIDGETS) });
  const orderId = accepted.body.order_id as string;
  await waitForStatus(stack, shopper, orderId, ["shipped"]);

  // A final order's stream sends its state and closes, so reading it to the end is bounded.
  expect((await call(stack, "get", `/api/orders/${orderId}/events`, "/api/orders/{id}/events", { shopper, headers: { Accept: "text/event-stream" } })).status).toBe(200);
  expect((await call(stack, "get", "/api/orders/ord_doesnotexist/events", "/api/orders/{id}/events", { shopper })).status).toBe(404);
  expect((await call(stack, "get", "/api/orders/events?ids=not-an-order", "/api/orders/events", { shopper })).status).toBe(400);

  const body = JSON.stringify({ event: "payment.completed", order_id: orderId, amount: 49.98, currency: "USD", completed_at: new Date().toISOString() });
  const signed = xWebhookHeaders(stack.webhookSecret, { id: newWebhookId(), timestamp: nowSeconds(), body });
  const delivered = await postWebhook(stack, body, signed);
  validator.check("post", "/webhooks/payments", delivered.status, "application/json", delivered.body);
  expect(delivered.status).toBe(200);
  const unsigned = await postWebhook(stack, body, { ...signed, "X-Webhook-Signature": "sha256=00" });
  validator.check("post", "/webhooks/payments", unsigned.status, "application/json", unsigned.body);
  expect(unsigned.status).toBe(401);

  expect((await call(stack, "get", "/api/health", "/api/health")).status).toBe(200);
});

test("the webhook endpoint routes and the deliveries answer as described", async ({ stack, shopper }) => {
  const receiver = await startReceiver();
  try {
    const base = "/api/webhook-endpoints";
    const created = await call(stack, "post", base, base, { shopper, body: JSON.stringify({ url: receiver.url, description: "openapi" }) });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await call(stack, "post", base, base, { shopper, body: JSON.stringify({ url: "ftp://example.com" }) })).status).toBe(400);
    expect((await call(stack, "post", base, base, { body: JSON.stringify({ url: receiver.url }) })).status).toBe(401);
    expect((await call(stack, "post", base, base, { shopper, headers: { "Content-Type": "text/plain" }, body: "x" })).status).toBe(415);
    expect((await call(stack, "get", base, base, { shopper })).status).toBe(200);
    expect((await call(stack, "get", `${base}/${id}`, `${base}/{id}`, { shopper })).status).toBe(200);
    expect((await call(stack, "get", `${base}/we_nothere`, `${base}/{id}`, { shopper })).status).toBe(404);
    expect((await call(stack, "patch", `${base}/${id}`, `${base}/{id}`, { shopper, body: JSON.stringify({ events: ["order.status_changed"] }) })).status).toBe(200);
    expect((await call(stack, "patch", `${base}/${id}`, `${base}/{id}`, { shopper, body: JSON.stringify({ status: "paused" }) })).status).toBe(400);
    expect((await call(stack, "post", `${base}/${id}/rotate-secret`, `${base}/{id}/rotate-secret`, { shopper })).status).toBe(200);

    const accepted = await call(stack, "post", "/api/orders", "/api/orders", { shopper, body: JSON.stringify(TWO_WIDGETS) });
    await waitForStatus(stack, shopper, accepted.body.order_id, ["shipped"]);
    await expect.poll(() => receiver.deliveries.length).toBeGreaterThanOrEqual(5);
    for (const delivery of receiver.deliveries) validator.checkWebhook("order.status_changed", JSON.parse(delivery.body));

    const log = await call(stack, "get", `${base}/${id}/deliveries?limit=2`, `${base}/{id}/deliveries`, { shopper });
    expect(log.status).toBe(200);
    expect((await call(stack, "get", `${base}/${id}/deliveries?cursor=bad`, `${base}/{id}/deliveries`, { shopper })).status).toBe(400);
    const messageId = log.body.data[0].message_id as string;
    const retryPath = `${base}/{id}/deliveries/{message_id}/retry`;
    expect((await call(stack, "post", `${base}/${id}/deliveries/${messageId}/retry`, retryPath, { shopper })).status).toBe(202);
    expect((await call(stack, "post", `${base}/${id}/deliveries/msg_nothere/retry`, retryPath, { shopper })).status).toBe(404);
    expect((await call(stack, "delete", `${base}/${id}`, `${base}/{id}`, { shopper })).status).toBe(204);
  } finally {
    await receiver.close();
  }
});

test("every batch route answers as it describes, the NDJSON results line by line", async ({ stack, shopper }) => {
  const ndjson = { "Content-Type": "application/x-ndjson" };
  const file = [JSON.stringify({ ...TWO_WIDGETS, reference: "ok" }), JSON.stringify({ items: [{ sku: "NO-SUCH-SKU", quantity: 1 }], payment_method: "pm_visa_4242" })].join("\n");
  const created = await call(stack, "post", "/api/batches", "/api/batches", { shopper, headers: ndjson, body: file });
  expect(created.status).toBe(202);
  const batchId = created.body.batch_id as string;
  const path = (suffix = "") => `/api/batches/${batchId}${suffix}`;
  expect((await call(stack, "post", "/api/batches", "/api/batches", { shopper, headers: { "Content-Type": "text/plain" }, body: file })).status).toBe(415);
  expect((await call(stack, "post", "/api/batches", "/api/batches", { shopper, headers: ndjson, body: "\n" })).status).toBe(400);
  expect((await call(stack, "get", "/api/batches", "/api/batches", { shopper })).status).toBe(200);
  expect((await call(stack, "get", "/api/batches?limit=0", "/api/batches", { shopper })).status).toBe(400);
  expect((await call(stack, "get", path(), "/api/batches/{id}", { shopper })).status).toBe(200);
  expect((await call(stack, "get", "/api/batches/bat_doesnotexist", "/api/batches/{id}", { shopper })).status).toBe(404);
  expect((await call(stack, "get", "/api/batches/bat_doesnotexist/results", "/api/batches/{id}/results", { shopper })).status).toBe(404);
  expect((await call(stack, "get", "/api/batches/bat_doesnotexist/events", "/api/batches/{id}/events", { shopper })).status).toBe(404);

  const results = await fetch(`${stack.baseURL}${path("/results")}`, { headers: shopper.headers });
  validator.check("get", "/api/batches/{id}/results", results.status, results.headers.get("content-type"), undefined);
  const lines = (await results.text()).trimEnd().split("\n").map((line) => JSON.parse(line));
  expect(lines).toHaveLength(2);
  for (const line of lines) validator.checkComponent("BatchResultLine", line);

  const cancelled = await call(stack, "post", path("/cancel"), "/api/batches/{id}/cancel", { shopper });
  expect(cancelled.status).toBe(200);
  // A cancelled batch's stream sends its state and closes, so reading it to the end is bounded.
  expect((await call(stack, "get", path("/events"), "/api/batches/{id}/events", { shopper })).status).toBe(200);
});

test("the API reference page renders the document", async ({ stack }) => {
  const page = await fetch(`${stack.baseURL}/docs/api`);
  expect(page.status).toBe(200);
  expect(page.headers.get("content-type")).toContain("text/html");
  const html = await page.text();
  for (const asset of ["/docs/api/swagger-ui-bundle.js", "/docs/api/swagger-ui.css", "/docs/api/reference.js"]) {
    expect(html).toContain(asset);
    const response = await fetch(`${stack.baseURL}${asset}`);
    expect(response.status, asset).toBe(200);
    expect((await response.arrayBuffer()).byteLength, asset).toBeGreaterThan(0);
  }
  expect((await fetch(`${stack.baseURL}/docs/api/..%2Fpackage.json`)).status).toBe(404);
});
