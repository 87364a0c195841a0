import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientAddress } from "@/server/http/client-address";
import { pinClientAddress } from "./client-address";
import { webRequestOf } from "./node-adapter";

function request(peer: string, rawHeaders: string[]): IncomingMessage {
  const headers: Record<string, string> = {};
  for (let i = 0; i < rawHeaders.length; i += 2) headers[rawHeaders[i]!.toLowerCase()] = rawHeaders[i + 1]!;
  return { socket: { remoteAddress: peer }, method: "GET", url: "/api/orders/events", headers, rawHeaders } as unknown as IncomingMessage;
}

describe("webRequestOf", () => {
  it("gives the native routes the address pinned at the socket, not the one the client claimed", () => {
    const req = request("203.0.113.9", ["Accept", "text/event-stream", "X-Forwarded-For", "1.2.3.4", "X-Real-IP", "5.6.7.8", "Forwarded", "for=9.9.9.9"]);
    pinClientAddress(req, 0);
    const headers = webRequestOf(req).headers;
    expect(clientAddress(headers)).toBe("203.0.113.9");
    expect(headers.get("x-real-ip")).toBeNull();
    expect(headers.get("forwarded")).toBeNull();
    expect(headers.get("accept")).toBe("text/event-stream");
  });
});
