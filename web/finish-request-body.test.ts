import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endAfterRequestBody } from "./finish-request-body";

/**
 * A server that answers before reading the body, the way a 400 on a header or a 413 does:
 * after a look at the first chunk through a web stream (as the native routes read bodies)
 * that is then given up, or without touching the body at all.
 */
let server: http.Server;
let baseUrl: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    endAfterRequestBody(req, res);
    const answer = () => {
      res.writeHead(400, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ error: { code: "invalid_request", message: "No." } }));
    };
    if (req.url === "/peek") {
      const reader = (Readable.toWeb(req) as ReadableStream<Uint8Array>).getReader();
      void reader.read().then(() => {
        reader.releaseLock();
        answer();
      });
    } else if (req.url === "/ok") {
      res.end("fine");
    } else {
      answer();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

type Answer = { status: number; body: string; connection: string | undefined };

/** POSTs `bytes` of body in pieces as the socket takes them; resolves with the answer, rejects on a reset. */
function post(path: string, bytes: number, options: { agent: http.Agent; close?: boolean; chunked?: boolean }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (!options.chunked) headers["Content-Length"] = String(bytes);
    if (options.close) headers.Connection = "close";
    const request = http.request(`${baseUrl}${path}`, { method: "POST", headers, agent: options.agent });
    request.on("response", (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      response.on("end", () => resolve({ status: response.statusCode!, body, connection: response.headers.connection }));
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

function get(path: string, agent: http.Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .get(`${baseUrl}${path}`, { agent }, (response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
        response.on("end", () => resolve({ status: response.statusCode!, body, connection: response.headers.connection }));
      })
      .on("error", reject);
  });
}

describe("endAfterRequestBody", () => {
  for (const path of ["/untouched", "/peek"]) {
    for (const chunked of [false, true]) {
      it(`${path}, ${chunked ? "chunked" : "with Content-Length"}: a kept-alive connection answers the early 400, then carries the next request`, async () => {
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        try {
          const answer = await post(path, 2 * 1024 * 1024, { agent, chunked });
          expect(answer.status).toBe(400);
          expect(JSON.parse(answer.body)).toEqual({ error: { code: "invalid_request", message: "No." } });
          expect(await get("/ok", agent)).toMatchObject({ status: 200, body: "fine" });
        } finally {
          agent.destroy();
        }
      });

      it(`${path}, ${chunked ? "chunked" : "with Content-Length"}: with Connection: close the client gets the 400, not a reset`, async () => {
        const agent = new http.Agent({ keepAlive: false });
        const answer = await post(path, 2 * 1024 * 1024, { agent, chunked, close: true });
        expect(answer).toMatchObject({ status: 400, connection: "close" });
        expect(JSON.parse(answer.body).error.code).toBe("invalid_request");
      });
    }
  }
});
