/**
 * The simulated third parties, one HTTP server (SIMULATOR_PORT, default 4100):
 *   POST /payments/charges               payment provider (fraud + risk, signed webhooks)
 *   POST /payments/charges/{id}/reverse  void or refund
 *   POST /invoicing/invoices             invoice numbers
 *   POST /email/messages                 email service (mailbox table)
 *   POST /carrier/shipments              tracking numbers
 * Every call needs an Idempotency-Key and behaves as its downstream_settings row says.
 */
import "server-only";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createDatabase } from "@/server/db/client";
import { databaseUrl, env } from "@/server/env";
import { lowerProcessPriority } from "@/server/processes/lower-process-priority";
import { SimulatedFailure } from "./behaviour";
import { acceptEmail, createInvoice, createShipment } from "./documents";
import { PaymentSimulator } from "./payment-provider";

const config = env();
lowerProcessPriority(config.WORKER_NICE, "simulators");
const { db, pool } = createDatabase(databaseUrl(), 6);
const payments = new PaymentSimulator(db, `${config.APP_URL}/webhooks/payments`, config.PAYMENT_WEBHOOK_SECRET);

type Route = (key: string, body: Record<string, unknown>, match: RegExpMatchArray) => Promise<unknown>;

const routes: [RegExp, Route][] = [
  [/^\/payments\/charges$/, (key, body) => payments.createCharge(key, body as never)],
  [/^\/payments\/charges\/([^/]+)\/reverse$/, (key, _body, match) => payments.reverseCharge(key, decodeURIComponent(match[1]!))],
  [/^\/invoicing\/invoices$/, (key) => createInvoice(db, key)],
  [/^\/email\/messages$/, (key, body) => acceptEmail(db, key, body as never)],
  [/^\/carrier\/shipments$/, (key) => createShipment(db, key)],
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

const server = createServer(async (req, res) => {
  const path = new URL(req.url ?? "/", "http://sim").pathname;
  if (req.method === "GET" && path === "/health") return send(res, 200, { status: "ok" });
  const route = routes.find(([pattern]) => pattern.test(path));
  if (!route || req.method !== "POST") return send(res, 404, { error: "not found" });
  const key = req.headers["idempotency-key"];
  if (typeof key !== "string" || !key) return send(res, 400, { error: "Idempotency-Key required" });
  try {
    const result = await route[1](key, await readBody(req), path.match(route[0])!);
    if (result === undefined) return send(res, 404, { error: "not found" });
    send(res, path === "/payments/charges" ? 202 : 200, result);
  } catch (err) {
    if (err instanceof SimulatedFailure) return send(res, err.status, { error: err.message });
    console.error("[simulators]", err);
    send(res, 500, { error: "simulator error" });
  }
});

server.listen(config.SIMULATOR_PORT, "127.0.0.1", () => {
  console.log(`[simulators] listening on http://127.0.0.1:${config.SIMULATOR_PORT}`);
  void payments.resumePending();
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    server.close();
    void pool.end().finally(() => process.exit(0));
  });
}
