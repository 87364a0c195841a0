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
  /** The deliveries verified with `secret` (a bad signature throws), deduplicated by webhook-id. */
  verified(secret: string): { id: string; type: string; timestamp: string; data: Record<string, any> }[];
  close(): Promise<void>;
};

export async function startReceiver(answer: (delivery: Delivery, index: number) => number = () => 200): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const delivery = { headers: flat(req.headers), body: Buffer.concat(chunks).toString("utf8") };
      deliveries.push(delivery);
      res.statusCode = answer(delivery, deliveries.length - 1);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
    deliveries,
    verified(secret) {
      const seen = new Map<string, ReturnType<Receiver["verified"]>[number]>();
      for (const delivery of deliveries) {
        const body = new Webhook(secret).verify(delivery.body, delivery.headers) as ReturnType<Receiver["verified"]>[number];
        seen.set(delivery.headers["webhook-id"]!, body);
      }
      return [...seen.values()];
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
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
