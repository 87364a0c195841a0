/**
 * Load generation for the benchmark: a light HTTP client for POST /api/orders, closed-loop
 * and open-loop drivers, and percentiles. Everything runs on the same (small) machine as
 * the app, so the client is plain node:http with keep-alive rather than fetch, which costs
 * noticeably more CPU per request.
 */
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

const ORDER_BODY = JSON.stringify({ items: [{ sku: "WIDGET-42", quantity: 1 }], payment_method: "pm_visa_4242" });

/** `status` 0: no HTTP answer at all (connection refused or reset). */
export type OrderResponse = { status: number; orderId?: string; ms: number };

export type OrderClient = { place(apiKey: string): Promise<OrderResponse>; close(): void };

export function orderClient(baseUrl: string, maxSockets: number): OrderClient {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const url = new URL("/api/orders", baseUrl);
  return {
    // Never rejects: a request the app did not answer is an outcome to count, and a rejection
    // left pending in an open loop would crash the run before it could tear the app down.
    place: (apiKey) =>
      new Promise((resolve) => {
        const started = performance.now();
        const noAnswer = () => resolve({ status: 0, ms: performance.now() - started });
        const request = http.request(url, {
          method: "POST",
          agent,
          headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(ORDER_BODY) },
        });
        request.on("error", noAnswer);
        request.on("response", (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("error", noAnswer);
          response.on("end", () => {
            const ms = performance.now() - started;
            const status = response.statusCode ?? 0;
            const orderId = status === 202 ? (JSON.parse(Buffer.concat(chunks).toString()) as { order_id: string }).order_id : undefined;
            resolve({ status, orderId, ms });
          });
        });
        request.end(ORDER_BODY);
      }),
    close: () => agent.destroy(),
  };
}

/**
 * Closed loop: `clients` loops, each starting its next operation as soon as the previous
 * one finished, until `until()` says stop. Client i always passes i, so it can keep its
 * own identity (shopper, connection).
 */
export async function closedLoop(clients: number, until: () => boolean, operation: (client: number) => Promise<void>): Promise<void> {
  const loop = async (client: number) => {
    while (!until()) await operation(client);
  };
  await Promise.all(Array.from({ length: clients }, (_, client) => loop(client)));
}

/** Open loop: starts operation i at i / perSecond seconds, whether or not earlier ones have finished. */
export async function openLoop<T>(count: number, perSecond: number, operation: (i: number) => Promise<T>): Promise<T[]> {
  const started = performance.now();
  const pending: Promise<T>[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(operation(i));
  }
  return Promise.all(pending);
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN when there are none. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function round(value: number, decimals = 1): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
