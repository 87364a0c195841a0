import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { toErrorResponse } from "@/server/http/api-response";
import { methodNotAllowed } from "@/server/http/method-not-allowed";
import { rejectMalformedPath } from "@/server/http/reject-malformed-path";
import { writeWebResponse } from "./node-adapter";
import { serveOrderEvents, serveShopperOrdersEvents } from "./order-events";
import { servePaymentWebhook } from "./payment-webhook";
import { servePostOrder } from "./post-order";

type NativeRoute = {
  pattern: RegExp;
  method: "GET" | "POST";
  /**
   * Who answers the path's other methods (OPTIONS and HEAD included): the native 405 / 204
   * below, or — for a path whose other methods are still a Next route's — Next itself.
   */
  otherMethods: "native" | "next";
  /** `param` is the route's one path parameter (decoded), when it has one. */
  serve(req: IncomingMessage, res: ServerResponse, param: string): Promise<void>;
};

/**
 * The routes the web process serves itself, before Next (decision 022): the event streams,
 * which stay open by the thousand, the provider's webhook, and order intake. Exact paths only;
 * anything else — a trailing slash included, which Next redirects to the exact path — goes to Next.
 * `GET /api/orders` (the list) stays a Next route, so that path's other methods are Next's.
 */
const NATIVE_ROUTES: NativeRoute[] = [
  { pattern: /^\/api\/orders\/events$/, method: "GET", otherMethods: "native", serve: serveShopperOrdersEvents },
  { pattern: /^\/api\/orders\/([^/]+)\/events$/, method: "GET", otherMethods: "native", serve: serveOrderEvents },
  { pattern: /^\/webhooks\/payments$/, method: "POST", otherMethods: "native", serve: servePaymentWebhook },
  { pattern: /^\/api\/orders$/, method: "POST", otherMethods: "next", serve: servePostOrder },
];

// What Next's route handlers answered to OPTIONS (they exported all five methods).
const ALLOW_ALL = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT";

/** Serves `req` when it is a native route and returns true; false hands it to Next. */
export function serveNativeRoute(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? "/";
  const query = url.indexOf("?");
  const pathname = query < 0 ? url : url.slice(0, query);
  for (const route of NATIVE_ROUTES) {
    const match = route.pattern.exec(pathname);
    if (match && route.otherMethods === "next" && req.method !== route.method) return false;
    if (match) {
      void answer(res, () => dispatch(route, req, res, pathname, match[1]));
      return true;
    }
  }
  return false;
}

async function dispatch(route: NativeRoute, req: IncomingMessage, res: ServerResponse, pathname: string, rawParam: string | undefined): Promise<void> {
  // Same answer as proxy.ts gives before Next's routing, which would otherwise throw decoding it.
  const malformed = rejectMalformedPath(pathname);
  if (malformed) return writeWebResponse(res, malformed);
  const method = req.method ?? "GET";
  if (method === "OPTIONS") {
    res.writeHead(204, { Allow: ALLOW_ALL });
    return void res.end();
  }
  // HEAD runs GET (its checks, status and headers; Node sends no body), as Next did for route handlers.
  const asked = method === "HEAD" ? "GET" : method;
  if (asked !== route.method) return writeWebResponse(res, methodNotAllowed([route.method]));
  await route.serve(req, res, rawParam === undefined ? "" : decodeURIComponent(rawParam));
}

/** Every failure answers with the contract's error body (never a stack trace), like apiRoute. */
async function answer(res: ServerResponse, serve: () => Promise<void>): Promise<void> {
  try {
    await serve();
  } catch (err) {
    if (res.headersSent) return void res.destroy();
    await writeWebResponse(res, toErrorResponse(err)).catch(() => res.destroy());
  }
}
