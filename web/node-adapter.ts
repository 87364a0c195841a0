import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";

// pinClientAddress rewrites these in `req.headers`; `rawHeaders` still holds what the client sent.
const CLIENT_ADDRESS_CLAIMS = new Set(["x-forwarded-for", "x-real-ip", "forwarded"]);

// Native routes read only the path and query from the URL; the origin is never used.
const URL_BASE = "http://native.invalid";

/**
 * The request as a fetch `Request`, so the native routes call exactly the functions the
 * route handlers use (authenticateRequest, readRawBody, the better-auth session lookup).
 * The body is attached only for the route that reads one.
 */
export function webRequestOf(req: IncomingMessage, options: { withBody?: boolean } = {}): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (!CLIENT_ADDRESS_CLAIMS.has(req.rawHeaders[i]!.toLowerCase())) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  }
  // The address the web server pinned (web/client-address.ts), not what the client sent.
  const pinned = req.headers["x-forwarded-for"];
  if (typeof pinned === "string") headers.set("x-forwarded-for", pinned);
  const init: RequestInit & { duplex?: "half" } = { method: req.method ?? "GET", headers };
  if (options.withBody) {
    init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
    init.duplex = "half"; // Node's fetch requires it for a streamed request body
  }
  return new Request(new URL(req.url ?? "/", URL_BASE), init);
}

/** Writes a fetch `Response` (the contract's JSON answers, errors included) to Node's response. */
export async function writeWebResponse(res: ServerResponse, response: Response): Promise<void> {
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
  const headers: Record<string, string | string[]> = Object.fromEntries(response.headers);
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  if (body) headers["content-length"] = String(body.byteLength);
  res.writeHead(response.status, headers);
  res.end(body);
}
