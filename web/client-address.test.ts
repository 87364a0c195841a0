import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { pinClientAddress } from "./client-address";

function request(peer: string, headers: Record<string, string>): IncomingMessage {
  return { socket: { remoteAddress: peer }, headers: { ...headers } } as unknown as IncomingMessage;
}

describe("pinClientAddress", () => {
  it("ignores a client-sent X-Forwarded-For when no proxy is trusted", () => {
    const req = request("203.0.113.9", { "x-forwarded-for": "1.2.3.4", "x-real-ip": "5.6.7.8" });
    expect(pinClientAddress(req, 0)).toBe("203.0.113.9");
    expect(req.headers["x-forwarded-for"]).toBe("203.0.113.9");
    expect(req.headers["x-real-ip"]).toBeUndefined();
  });

  it("takes the entry the trusted proxy appended, not one the client prepended", () => {
    const req = request("10.0.0.2", { "x-forwarded-for": "1.2.3.4, 198.51.100.7" });
    expect(pinClientAddress(req, 1)).toBe("198.51.100.7");
    expect(req.headers["x-forwarded-for"]).toBe("198.51.100.7");
  });

  it("counts two hops from the right", () => {
    const req = request("10.0.0.2", { "x-forwarded-for": "spoofed, 198.51.100.7, 10.0.0.1" });
    expect(pinClientAddress(req, 2)).toBe("198.51.100.7");
  });

  it("falls back to the leftmost entry when the chain is shorter than the hops", () => {
    const req = request("10.0.0.2", {});
    expect(pinClientAddress(req, 3)).toBe("10.0.0.2");
  });
});
