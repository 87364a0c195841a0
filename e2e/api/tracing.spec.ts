/**
 * CONTRACT §10, tracing: a `traceparent` sent with POST /api/orders becomes the parent of the
 * order's trace, and every step of the order — intake, each job, the provider's charge and
 * webhook, the SSE pushes — is a span of that trace, exported over OTLP/HTTP (JSON here) by
 * the process that did it. The spans are read from a receiver on loopback the stack exports
 * to; the test polls what it collected, never sleeps.
 */
import { randomBytes } from "node:crypto";
import { expect, MANY_CLIENTS_ONE_ADDRESS, test as base } from "../support/fixtures";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "../support/otlp-receiver";

// A private stack exporting to this file's receiver: the receiver is a worker fixture, and
// stackEnv (overridden here as a fixture of it) is read when the worker's stack starts.
const test = base.extend<object, { otlp: OtlpReceiver }>({
  otlp: [
    async ({}, use) => {
      const receiver = await startOtlpReceiver();
      try {
        await use(receiver);
      } finally {
        await receiver.close();
      }
    },
    { scope: "worker" },
  ],
  stackEnv: [
    async ({ otlp }, use) =>
      use({
        ...MANY_CLIENTS_ONE_ADDRESS,
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_BSP_SCHEDULE_DELAY: "100",
        // The logs of an order's life are read from the processes' output, debug lines included.
        STACK_CAPTURE_LOGS: "1",
        LOG_LEVEL: "debug",
      }),
    { scope: "worker" },
  ],
});

const SPAN_KIND = { SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;

function newTraceparent(): { traceId: string; parentId: string; traceparent: string } {
  const traceId = randomBytes(16).toString("hex");
  const parentId = randomBytes(8).toString("hex");
  return { traceId, parentId, traceparent: `00-${traceId}-${parentId}-01` };
}

/** The one span of the trace named `name` from `service` (the first, when a step ran twice). */
function spanNamed(spans: ReceivedSpan[], service: string, name: string): ReceivedSpan | undefined {
  return spans.find((span) => span.service === service && span.name === name);
}

/** True when `span` hangs (through parents within the trace) under `ancestor`. */
function descendsFrom(spans: ReceivedSpan[], span: ReceivedSpan, ancestor: ReceivedSpan): boolean {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  for (let current = byId.get(span.parentSpanId); current; current = byId.get(current.parentSpanId)) {
    if (current.spanId === ancestor.spanId) return true;
  }
  return false;
}

const STEPS = ["chargePayment", "reserveStock", "createInvoice", "createShipment"] as const;

test("one trace per order: the client's traceparent is the parent of intake, every job, the provider's charge and webhook, and the SSE pushes", async ({
  api,
  events,
  otlp,
  stack,
}) => {
  const { traceId, parentId, traceparent } = newTraceparent();
  const accepted = await api.postOrder(undefined, { traceparent });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
  const orderId = accepted.body.order_id as string;
  const stream = await events.open(`/api/orders/${orderId}/events`, api.shopper.headers);
  const shipped = await api.waitForStatus(orderId, ["shipped"]);
  expect(shipped.trace_id).toBe(traceId);
  await stream.waitForEnd(30_000);
  const settled = await (await stack.testControl("POST", "settle?timeout_s=30")).json();
  expect(settled).toEqual({ idle: true });

  // Every span each process ends goes out within the batch delay; poll until the whole story is there.
  const story = () => {
    const spans = otlp.spansOfTrace(traceId);
    const request = spans.find((s) => s.service === "conveyor-web" && s.name === "POST /api/orders");
    const steps = STEPS.map((step) => spanNamed(spans, "conveyor-worker", `${step} process`));
    return {
      spans,
      request,
      intake: spanNamed(spans, "conveyor-web", "order.intake"),
      steps,
      charge: spanNamed(spans, "conveyor-simulators", "POST /payments/charges"),
      webhookSent: spanNamed(spans, "conveyor-simulators", "payment webhook POST"),
      webhookReceived: spanNamed(spans, "conveyor-web", "POST /webhooks/payments"),
      pushes: spans.filter((s) => s.service === "conveyor-web" && s.name === "order.sse.push"),
    };
  };
  await expect
    .poll(() => {
      const s = story();
      const missing = [
        ...(s.request ? [] : ["POST /api/orders"]),
        ...(s.intake ? [] : ["order.intake"]),
        ...STEPS.filter((_, i) => !s.steps[i]),
        ...(s.charge ? [] : ["simulated charge"]),
        ...(s.webhookSent ? [] : ["webhook sent"]),
        ...(s.webhookReceived ? [] : ["webhook received"]),
        ...(s.pushes.some((p) => p.attributes["conveyor.order.status"] === "shipped") ? [] : ["SSE push of shipped"]),
      ];
      return missing;
    }, { timeout: 30_000 })
    .toEqual([]);

  const { spans, request, intake, steps, charge, webhookSent, webhookReceived, pushes } = story();
  // The client's span is the parent of the request; intake is the request's child.
  expect(request!.parentSpanId).toBe(parentId);
  expect(request!.kind).toBe(SPAN_KIND.SERVER);
  expect(intake!.parentSpanId).toBe(request!.spanId);
  // One tree: every span of the trace hangs under a span of the trace, but the request, under the client's.
  for (const span of spans) {
    if (span === request) continue;
    expect(spans.some((parent) => parent.spanId === span.parentSpanId), `${span.service} ${span.name} has its parent in the trace`).toBe(true);
  }
  // Each job is a CONSUMER span of the worker under intake, carrying its order.
  const [chargePayment, reserveStock, createInvoice, createShipment] = steps.map((s) => s!);
  for (const step of steps) {
    expect(step!.kind).toBe(SPAN_KIND.CONSUMER);
    expect(step!.attributes["conveyor.order_id"]).toBe(orderId);
    expect(descendsFrom(spans, step!, intake!), `${step!.name} under intake`).toBe(true);
  }
  // The provider got the charge within chargePayment, and its webhook comes back as a span under the charge.
  expect(descendsFrom(spans, charge!, chargePayment!)).toBe(true);
  expect(charge!.kind).toBe(SPAN_KIND.SERVER);
  expect(webhookSent!.parentSpanId).toBe(charge!.spanId);
  expect(webhookReceived!.parentSpanId).toBe(webhookSent!.spanId);
  expect(webhookReceived!.kind).toBe(SPAN_KIND.SERVER);
  // The join: createInvoice follows whichever branch finished second (the webhook or the reservation).
  expect(descendsFrom(spans, createInvoice!, webhookReceived!) || createInvoice!.parentSpanId === reserveStock!.spanId).toBe(true);
  // …and links to the span each branch of the join finished in, beside that parent (decision 035):
  // the payment (settled by the provider's webhook) and the stock (reserved by its job).
  const joined = Object.fromEntries(createInvoice!.links.map((link) => [String(link.attributes["conveyor.join.branch"]), link.spanId]));
  expect(joined).toEqual({ payment: webhookReceived!.spanId, stock: reserveStock!.spanId });
  expect(createInvoice!.links.every((link) => link.traceId === traceId)).toBe(true);
  // Then the shipment, enqueued by the invoice-and-confirmation step.
  expect(createShipment!.parentSpanId).toBe(createInvoice!.spanId);
  // The SSE pushes are spans of the order's trace, under its intake.
  for (const push of pushes) expect(push.parentSpanId).toBe(intake!.spanId);

  // The logs: every line about the order is a JSON object carrying the order's trace id, from
  // the web process (intake, the webhook) and the worker (each job); none holds a secret.
  const lines = stack.logLines();
  const aboutOrder = lines.filter(({ line }) => line.includes(orderId));
  const parsed = aboutOrder.map(({ role, line }) => ({ role, entry: JSON.parse(line) as Record<string, unknown> }));
  for (const { entry } of parsed) {
    expect(entry, JSON.stringify(entry)).toMatchObject({ trace_id: traceId, span_id: expect.stringMatching(/^[0-9a-f]{16}$/), level: expect.any(String), time: expect.any(String) });
  }
  const messages = parsed.map(({ role, entry }) => `${role.replace(/-\d+$/, "")}: ${String(entry.msg)}`);
  expect(messages).toEqual(expect.arrayContaining(["web: order accepted", "web: payment webhook received", ...STEPS.map((step) => `worker: ${step} job done`)]));
  for (const { line } of lines) {
    expect(line).not.toContain(api.shopper.apiKey);
    expect(line).not.toContain(stack.webhookSecret);
  }
});

test("an error answer carries a request id that names the request's trace", async ({ api, otlp }) => {
  const { traceId, parentId, traceparent } = newTraceparent();
  const refused = await api.postOrder({ items: [] }, { traceparent });
  expect(refused.status).toBe(400);
  const requestId = refused.body.error.request_id as string;
  expect(requestId).toMatch(/^[0-9a-f]{32}-[0-9a-f]{16}$/);
  expect(refused.headers.get("x-request-id")).toBe(requestId);
  const [requestTraceId, requestSpanId] = requestId.split("-");
  expect(requestTraceId).toBe(traceId);
  // The id finds the request's span among what was exported.
  await expect
    .poll(() => otlp.spansOfTrace(traceId).find((span) => span.spanId === requestSpanId)?.parentSpanId, { timeout: 30_000 })
    .toBe(parentId);

  // Without a traceparent the request starts a trace of its own, and the id still names it.
  const alone = await api.postOrder({ items: [] });
  const [aloneTraceId] = (alone.body.error.request_id as string).split("-");
  expect(aloneTraceId).not.toBe(traceId);
  await expect.poll(() => otlp.spansOfTrace(aloneTraceId!).some((span) => span.name === "POST /api/orders"), { timeout: 30_000 }).toBe(true);
});
