import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";

// pinClientAddress rewrites these in `req.headers`; `rawHeaders` still holds what the client sent.
const CLIENT_ADDRESS_CLAIMS = new Set(["x-forwarded-for", "x-real-ip", "forwarded"]);

// Most routes read only the path and query from the URL; those that need an origin get APP_URL's.
const URL_BASE = "http://native.invalid";

type WebRequestOptions = {
  /** Attach the body (as a stream, read at most once by the route). */
  withBody?: boolean;
  /** The response whose end (however it ends: the client leaving included) aborts `request.signal`. */
  closedBy?: ServerResponse;
  /** The origin of `request.url` (better-auth builds its links from it). */
  base?: string;
};

/**
 * The request as a fetch `Request`, so the API's routes are fetch-style functions (and call
 * better-auth's and tRPC's fetch handlers as they are).
 */
export function webRequestOf(req: IncomingMessage, options: WebRequestOptions = {}): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (!CLIENT_ADDRESS_CLAIMS.has(req.rawHeaders[i]!.toLowerCase())) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  }
  // The address the web server pinned (web/client-address.ts), not what the client sent.
  const pinned = req.headers["x-forwarded-for"];
  if (typeof pinned === "string") headers.set("x-forwarded-for", pinned);
  const init: RequestInit & { duplex?: "half" } = { method: req.method ?? "GET", headers };
  if (options.closedBy) {
    const aborted = new AbortController();
    options.closedBy.once("close", () => aborted.abort());
    init.signal = aborted.signal;
  }
  if (options.withBody) {
    init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
    init.duplex = "half"; // Node's fetch requires it for a streamed request body
  }
  return new Request(new URL(req.url ?? "/", options.base ?? URL_BASE), init);
}

/**
 * Writes a fetch `Response` to Node's response: buffered (with its length) for the API's JSON
 * answers, streamed for an event stream, whose end the client's leaving brings about.
 */
export async function writeWebResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = Object.fromEntries(response.headers);
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  if (response.body && response.headers.get("content-type")?.startsWith("text/event-stream")) {
    res.writeHead(response.status, headers);
    res.flushHeaders();
    const body = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>);
    res.once("close", () => body.destroy());
    body.on("error", () => res.destroy());
    body.pipe(res);
    return;
  }
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
  if (body) headers["content-length"] = String(body.byteLength);
  res.writeHead(response.status, headers);
  res.end(body);
}
