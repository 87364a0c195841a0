import { expect, test, useSharedStack } from "../support/fixtures";
import http from "node:http";
import { placeOrder } from "../support/api";
import { type Shopper, type Stack } from "../support/stack";

/**
 * How connections end. An answer given before the body was read (a header refused, a 413,
 * Next's 308 for a trailing slash) used to leave the body on the wire, and the kernel then
 * reset the connection — losing the answer, or the next request on a kept-alive connection.
 * An event stream that stays quiet ends after SSE_MAX_IDLE_SECONDS with a `retry:` hint.
 */
useSharedStack("productionDoors");

type Answer = { status: number; body: string; headers: http.IncomingHttpHeaders };

/**
 * A request through Node's http module, header values given as raw bytes (latin1 strings:
 * fetch refuses non-ASCII header values). Resolves with the answer; rejects on a reset.
 */
function send(stack: Stack, path: string, options: { method?: string; headers?: Record<string, string>; bodyBytes?: number; chunked?: boolean; agent: http.Agent }): Promise<Answer> {
  const bytes = options.bodyBytes ?? 0;
  const headers = { "Content-Type": "application/json", ...options.headers, ...(options.chunked || bytes === 0 ? {} : { "Content-Length": String(bytes) }) };
  return new Promise((resolve, reject) => {
    const request = http.request(`${stack.baseURL}${path}`, { method: options.method ?? "POST", headers, agent: options.agent });
    request.on("response", (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      response.on("end", () => resolve({ status: response.statusCode!, body, headers: response.headers }));
      response.on("error", reject);
    });
    request.on("error", reject);
    const piece = Buffer.alloc(64 * 1024, "x");
    let sent = 0;
    const more = () => {
      while (sent < bytes) {
        const chunk = piece.subarray(0, Math.min(piece.length, bytes - sent));
        sent += chunk.length;
        if (!request.write(chunk)) return void request.once("drain", more);
      }
      request.end();
    };
    more();
  });
}

const rawBytes = (text: string) => Buffer.from(text, "utf8").toString("latin1");
const TWO_MIB = 2 * 1024 * 1024;

let shopper: Shopper;
test.beforeAll(async ({ stack }) => {
  shopper = await stack.newShopper();
});

/** The early answers the fuzzer met, and the webhook's and tRPC's 413 (answered before the body too). */
function earlyAnswers() {
  return [
    { name: "POST /api/orders with a 256-character non-ASCII Idempotency-Key", path: "/api/orders", headers: { ...shopper.headers, "Idempotency-Key": rawBytes("日".repeat(256)) }, status: 400, code: "invalid_request" },
    { name: "POST /api/orders/{id}/cancel/ (trailing slash)", path: "/api/orders/ord_abc/cancel/", headers: shopper.headers, status: 308 },
    { name: "POST /webhooks/payments over 64 KiB", path: "/webhooks/payments", headers: {}, status: 413, code: "payload_too_large" },
    { name: "POST /api/trpc/orders.place over 64 KiB", path: "/api/trpc/orders.place", headers: shopper.headers, status: 413 },
  ];
}

test("an answer given before the body was read reaches the client, and a kept-alive connection carries the next request", async ({ stack }) => {
  for (const early of earlyAnswers()) {
    for (const bodyBytes of [200, TWO_MIB]) {
      for (const chunked of [false, true]) {
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        const what = `${early.name}, ${bodyBytes} bytes${chunked ? " chunked" : ""}`;
        try {
          const answer = await send(stack, early.path, { headers: early.headers, bodyBytes, chunked, agent });
          // The small webhook body is refused for its signature, not its size.
          const status = early.status === 413 && bodyBytes < 64 * 1024 ? (early.path.startsWith("/webhooks") ? 401 : 400) : early.status;
          expect(answer.status, what).toBe(status);
          if (early.code && status === early.status) expect(JSON.parse(answer.body).error.code, what).toBe(early.code);
          const next = await send(stack, "/api/orders", { method: "GET", headers: shopper.headers, agent });
          expect(next.status, `the request after: ${what}`).toBe(200);
        } finally {
          agent.destroy();
        }
      }
    }
  }
});

test("a kept-alive connection is announced for 65 s, so clients that reuse connections stop well before the server closes one", async ({ stack }) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (const path of ["/api/orders", "/api/health", "/"]) {
      const answer = await send(stack, path, { method: "GET", headers: shopper.headers, agent });
      expect(answer.headers["keep-alive"], path).toBe("timeout=65");
    }
  } finally {
    agent.destroy();
  }
});

test("with Connection: close the early answer arrives whole, never a reset, while the client is still sending", async ({ stack }) => {
  for (const early of earlyAnswers()) {
    for (const chunked of [false, true]) {
      const answer = await send(stack, early.path, { headers: { ...early.headers, Connection: "close" }, bodyBytes: TWO_MIB, chunked, agent: new http.Agent({ keepAlive: false }) });
      expect(answer.status, `${early.name}${chunked ? " chunked" : ""}`).toBe(early.status);
      expect(answer.headers.connection).toBe("close");
      if (early.code) expect(JSON.parse(answer.body).error.code).toBe(early.code);
    }
  }
});

test("an event stream with nothing to say ends after SSE_MAX_IDLE_SECONDS with a retry hint; the client reconnects with Last-Event-ID", async ({ stack }) => {
  await stack.setDownstream("payment", { outage: true });
  try {
    const orderId = await placeOrder(stack, shopper);
    const url = `${stack.baseURL}/api/orders/${orderId}/events`;
    // text() resolves only when the server ends the stream.
    const first = await (await fetch(url, { headers: { Accept: "text/event-stream", ...shopper.headers } })).text();
    expect(first).toMatch(/^retry: 2000\n\n/);
    expect(first).toContain('"status":"pending"');
    expect(first).toMatch(/: heartbeat\n\nretry: \d+\n\n$/);

    const lastEventId = /^id: (evt_\w+)$/m.exec(first)![1]!;
    const again = await fetch(url, { headers: { Accept: "text/event-stream", "Last-Event-ID": lastEventId, ...shopper.headers } });
    expect(again.status).toBe(200);
    // Nothing new since that event: no frame is replayed, and the reconnected stream idles out the same way.
    const second = await again.text();
    expect(second).not.toContain("status_update");
    expect(second).toMatch(/retry: \d+\n\n$/);
  } finally {
    await stack.setDownstream("payment", { outage: false });
  }
});
