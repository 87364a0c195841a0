/**
 * A webhook receiver on loopback for the outbound-webhook specs: records every delivery and
 * answers each with the status `answer` picks (200 unless told otherwise).
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import type { Shopper, Stack } from "./stack";

export type Delivery = { headers: Record<string, string>; body: string };

export type Receiver = {
  url: string;
  deliveries: Delivery[];
  /** Requests being answered now, and the most there ever were at once. */
  inFlight(): number;
  maxInFlight(): number;
  /** The deliveries verified with `secret` (a bad signature throws), deduplicated by webhook-id. */
  verified(secret: string): { id: string; type: string; timestamp: string; data: Record<string, any> }[];
  close(): Promise<void>;
};

/** `answer` may hold a request open (a promise) to play a slow endpoint. */
export async function startReceiver(answer: (delivery: Delivery, index: number) => number | Promise<number> = () => 200): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on("close", () => inFlight--);
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const delivery = { headers: flat(req.headers), body: Buffer.concat(chunks).toString("utf8") };
      deliveries.push(delivery);
      void Promise.resolve(answer(delivery, deliveries.length - 1)).then((status) => {
        res.statusCode = status;
        res.end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
    deliveries,
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
    verified(secret) {
      const seen = new Map<string, ReturnType<Receiver["verified"]>[number]>();
      for (const delivery of deliveries) {
        const body = new Webhook(secret).verify(delivery.body, delivery.headers) as ReturnType<Receiver["verified"]>[number];
        seen.set(delivery.headers["webhook-id"]!, body);
      }
      return [...seen.values()];
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function flat(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(", ") : (value ?? "")]));
}

/** Calls the webhook-endpoint routes as the shopper's API client. */
export async function endpointCall(stack: Stack, shopper: Pick<Shopper, "headers"> | undefined, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${stack.baseURL}/api/webhook-endpoints${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...shopper?.headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
