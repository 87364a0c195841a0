import { createServer, type IncomingMessage, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { keepAliveRequest } from "./keep-alive-request";

let server: Server | undefined;

async function listen(handler: (req: IncomingMessage, body: string, res: import("node:http").ServerResponse) => void): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => handler(req, body, res));
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, connections: () => connections };
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe("keepAliveRequest", () => {
  it("sends the body and headers and returns the status and the whole answer", async () => {
    const { url } = await listen((req, body, res) => {
      res.writeHead(201, { "Content-Type": "application/json" }).end(JSON.stringify({ method: req.method, key: req.headers["idempotency-key"], length: req.headers["content-length"], body }));
    });
    const answer = await keepAliveRequest(`${url}/charges`, { method: "POST", headers: { "Content-Type": "application/json", "Idempotency-Key": "k-1" }, body: '{"amount":"12.50 €"}', timeoutMs: 5000 });
    expect(answer.status).toBe(201);
    expect(answer.ok).toBe(true);
    // Content-Length counts bytes, not characters (the euro sign is three).
    expect(JSON.parse(answer.text)).toEqual({ method: "POST", key: "k-1", length: "22", body: '{"amount":"12.50 €"}' });
  });

  it("reports an error status as not ok, with its body", async () => {
    const { url } = await listen((_req, _body, res) => res.writeHead(503).end("down for maintenance"));
    expect(await keepAliveRequest(url, { method: "GET", headers: {}, timeoutMs: 5000 })).toEqual({ status: 503, ok: false, text: "down for maintenance" });
  });

  it("reuses one connection for calls one after another", async () => {
    const { url, connections } = await listen((_req, _body, res) => res.end("ok"));
    for (let i = 0; i < 5; i++) await keepAliveRequest(url, { method: "GET", headers: {}, timeoutMs: 5000 });
    expect(connections()).toBe(1);
  });

  it("gives up on a server that does not answer in time", async () => {
    const { url } = await listen(() => {}); // never answers
    await expect(keepAliveRequest(url, { method: "POST", headers: {}, body: "{}", timeoutMs: 200 })).rejects.toThrow(/no answer within 200 ms/);
  });

  it("rejects when nothing listens", async () => {
    const { url } = await listen(() => {});
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    await expect(keepAliveRequest(url, { method: "GET", headers: {}, timeoutMs: 5000 })).rejects.toThrow();
  });

  it("refuses a scheme other than http and https", async () => {
    await expect(keepAliveRequest("ftp://example.com/x", { method: "GET", headers: {}, timeoutMs: 1000 })).rejects.toThrow(/unsupported protocol/);
  });
});
