import "server-only";
import type { IncomingMessage } from "node:http";

/**
 * Decides once, at the socket, who the client is, and rewrites `X-Forwarded-For` to that one
 * address so that everything behind it (Next, better-auth's limiter, our own limits) reads a
 * value the client could not choose. The chain is the X-Forwarded-For entries followed by the
 * socket's peer; with `trustedHops` proxies in front, each appended the address it saw, so
 * the client is `trustedHops` entries from the right. With 0 hops the peer is the client and
 * whatever the client put in the header is discarded.
 */
export function pinClientAddress(req: IncomingMessage, trustedHops: number): string {
  const peer = req.socket.remoteAddress ?? "unknown";
  const forwarded = trustedHops > 0 ? forwardedChain(req.headers["x-forwarded-for"]) : [];
  const chain = [...forwarded, peer];
  const client = chain[Math.max(0, chain.length - 1 - trustedHops)] ?? peer;
  req.headers["x-forwarded-for"] = client;
  // Other spellings of the same claim would let a client pick its address past the rewrite.
  delete req.headers["x-real-ip"];
  delete req.headers["forwarded"];
  return client;
}

function forwardedChain(header: string | string[] | undefined): string[] {
  const joined = Array.isArray(header) ? header.join(",") : (header ?? "");
  return joined
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
}
