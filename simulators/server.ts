/**
 * The simulated third parties, one HTTP server (SIMULATOR_PORT, default 4100):
 *   POST /payments/charges               payment provider (fraud + risk, signed webhooks)
 *   GET  /payments/charges/by-key/{key}          look a charge up by its idempotency key
 *   POST /payments/charges/by-key/{key}/reverse  void or refund it
 *   POST /invoicing/invoices             invoice numbers
 *   POST /email/messages                 email service (mailbox table)
 *   POST /carrier/shipments              tracking numbers
 *   POST /carrier/shipments/by-key/{key}/void    cancel a booking
 *   POST /payments/authorizations, /fraud/checks, /risk/scores   synchronous, for the lab's direct mode
 *   GET  /payments/in-flight             charges whose webhook is still to come (for the test controls' settle)
 * Every POST needs an Idempotency-Key and behaves as its downstream_settings row says.
 */
import "server-only";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createDatabase } from "@/server/db/client";
import { databaseUrl, envOrExit } from "@/server/env";
import { lowerProcessPriority } from "@/server/processes/lower-process-priority";
import { contextOf, SpanKind, startSpan, traceparentOf } from "@/server/telemetry/spans";
import { installTracing } from "@/server/telemetry/tracing";
import { context } from "@opentelemetry/api";
import { SimulatedFailure } from "./behaviour";
import { acceptEmail, createInvoice, createShipment, voidShipment } from "./documents";
import { PaymentSimulator } from "./payment-provider";
import { createSettingsCache } from "./settings-cache";
import { loggerFor } from "@/server/logging/logger";

const log = loggerFor("simulators");

const config = envOrExit("simulators");
const tracing = installTracing("conveyor-simulators", config.TRACE_RETENTION_DAYS);
lowerProcessPriority(config.WORKER_NICE, "simulators");
// A third party's records: commits need not wait for the WAL flush (decision 048). Six
// connections serve every simulated call; a deployment that sets a smaller DB_POOL_MAX (the
// suite's stacks, where three share one Postgres) gets that instead.
const { db, pool } = createDatabase(databaseUrl(), Math.min(6, config.DB_POOL_MAX), { asyncCommit: true });
tracing.attachStore(pool);
const settings = createSettingsCache(db, databaseUrl());
const payments = new PaymentSimulator(db, `${config.APP_URL}/webhooks/payments`, config.PAYMENT_WEBHOOK_SECRET, settings);

type Route = (key: string, body: Record<string, unknown>, match: RegExpMatchArray) => Promise<unknown>;

const routes: [RegExp, Route][] = [
  [/^\/payments\/charges$/, (key, body) => payments.createCharge(key, body as never, traceparentOf())],
  [/^\/payments\/charges\/by-key\/([^/]+)\/reverse$/, (key, _body, match) => payments.reverseCharge(key, decodeURIComponent(match[1]!))],
  [/^\/invoicing\/invoices$/, (key) => createInvoice(db, settings, key)],
  [/^\/email\/messages$/, (key, body) => acceptEmail(db, settings, key, body as never)],
  [/^\/carrier\/shipments$/, (key) => createShipment(db, settings, key)],
  [/^\/carrier\/shipments\/by-key\/([^/]+)\/void$/, (_key, _body, match) => voidShipment(db, settings, decodeURIComponent(match[1]!))],
  [/^\/payments\/authorizations$/, () => payments.authorizeNow()],
  [/^\/fraud\/checks$/, () => payments.checkFraudNow()],
  [/^\/risk\/scores$/, () => payments.scoreRiskNow()],
];

const lookups: [RegExp, (match: RegExpMatchArray) => Promise<unknown>][] = [
  [/^\/payments\/charges\/by-key\/([^/]+)$/, (match) => payments.lookupCharge(decodeURIComponent(match[1]!))],
];

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/**
 * Every request is a SERVER span under the caller's `traceparent` (a third party that takes
 * part in the merchant's traces, as the real ones can): the charge keeps it for its webhook.
 */
const server = createServer((req, res) => {
  const path = new URL(req.url ?? "/", "http://sim").pathname;
  // The probes (health, the test controls' settle) are not part of anyone's trace.
  if (req.method === "GET" && path === "/health") return send(res, 200, { status: "ok" });
  if (req.method === "GET" && path === "/payments/in-flight") return send(res, 200, payments.inFlightCharges());
  const traceparent = typeof req.headers.traceparent === "string" ? req.headers.traceparent : undefined;
  const { span, context: spanContext } = startSpan(`${req.method} ${path.replace(/\/by-key\/[^/]+/, "/by-key/{key}")}`, {
    kind: SpanKind.SERVER,
    parent: contextOf(traceparent),
    attributes: { "http.request.method": req.method ?? "GET", "url.path": path },
  });
  res.once("close", () => {
    span.setAttribute("http.response.status_code", res.statusCode);
    span.end();
  });
  void context.with(spanContext, () => serve(req, res, path));
});

async function serve(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const lookup = req.method === "GET" ? lookups.find(([pattern]) => pattern.test(path)) : undefined;
  if (lookup) return answer(res, () => lookup[1](path.match(lookup[0])!), 200);
  const route = routes.find(([pattern]) => pattern.test(path));
  if (!route || req.method !== "POST") return send(res, 404, { error: "not found" });
  const key = req.headers["idempotency-key"];
  if (typeof key !== "string" || !key) return send(res, 400, { error: "Idempotency-Key required" });
  const body = await readBody(req);
  await answer(res, () => route[1](key, body, path.match(route[0])!), path === "/payments/charges" ? 202 : 200);
}

/** Runs a simulated call: its result (404 when there is none), or the injected failure. */
async function answer(res: ServerResponse, call: () => Promise<unknown>, status: number): Promise<void> {
  try {
    const result = await call();
    if (result === undefined) return send(res, 404, { error: "not found" });
    send(res, status, result);
  } catch (err) {
    if (err instanceof SimulatedFailure) return send(res, err.status, { error: err.message });
    log.error({ err }, "simulator error");
    send(res, 500, { error: "simulator error" });
  }
}

server.listen(config.SIMULATOR_PORT, "127.0.0.1", () => {
  log.info(`listening on http://127.0.0.1:${config.SIMULATOR_PORT}`);
  void payments.resumePending();
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    server.close();
    void settings
      .stop()
      .then(() => tracing.shutdown())
      .then(() => pool.end())
      .finally(() => process.exit(0));
  });
}
