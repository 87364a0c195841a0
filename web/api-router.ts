import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { toErrorResponse } from "@/server/http/api-response";
import { methodNotAllowed, type Method } from "@/server/http/method-not-allowed";
import { rejectMalformedPath } from "@/server/http/reject-malformed-path";
import type { ProcessServices } from "@/server/process-services";
import { contextOf, SpanKind, startSpan } from "@/server/telemetry/spans";
import { context, SpanStatusCode } from "@opentelemetry/api";
import { API_ROUTES, type ApiRoute } from "./api-routes";
import { webRequestOf, writeWebResponse } from "./node-adapter";

/**
 * The API of the web process (decision 030): every route of API_ROUTES is served here, on
 * node:http, with the process's services — Next.js renders pages only. Exact paths only:
 * anything else — a trailing slash included, which Next redirects to the exact path, and
 * unknown /api paths, which Next's catch-all answers with the API's 404 — goes to Next.
 * Returns a function that serves `req` when it is an API route and returns true.
 */
export function createApiRouter(services: ProcessServices): (req: IncomingMessage, res: ServerResponse) => boolean {
  const routes = API_ROUTES.filter((route) => route.enabled?.(services.config) ?? true);
  return (req, res) => {
    const url = req.url ?? "/";
    const query = url.indexOf("?");
    const pathname = query < 0 ? url : url.slice(0, query);
    for (const route of routes) {
      const match = route.pattern.exec(pathname);
      if (!match) continue;
      const requestContext = serverSpan(req, res, route);
      void context.with(requestContext, () => answer(res, () => dispatch(services, route, req, res, pathname, match[1])));
      return true;
    }
    return false;
  };
}

/** "/api/orders/{param}" for /^\/api\/orders\/([^/]+)$/: a span name that does not grow with the ids. */
const templates = new WeakMap<ApiRoute, string>();
function templateOf(route: ApiRoute): string {
  let template = templates.get(route);
  if (!template) templates.set(route, (template = route.pattern.source.replace(/^\^|\$$/g, "").replace(/\([^)]*\)/g, "{param}").replace(/\\/g, "")));
  return template;
}

/**
 * Every API request is a SERVER span, a child of the caller's W3C `traceparent` when it sent
 * one (CONTRACT §10: a client's trace becomes the order's); it ends when the response does,
 * an event stream's included. Its ids are the request id of error answers.
 */
function serverSpan(req: IncomingMessage, res: ServerResponse, route: ApiRoute) {
  const method = req.method ?? "GET";
  const template = templateOf(route);
  const traceparent = req.headers.traceparent;
  const { span, context: requestContext } = startSpan(`${method} ${template}`, {
    kind: SpanKind.SERVER,
    parent: contextOf(typeof traceparent === "string" ? traceparent : undefined, context.active()),
    attributes: { "http.request.method": method, "http.route": template },
  });
  res.once("close", () => {
    span.setAttribute("http.response.status_code", res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  return requestContext;
}

async function dispatch(services: ProcessServices, route: ApiRoute, req: IncomingMessage, res: ServerResponse, pathname: string, rawParam: string | undefined): Promise<void> {
  // The answer proxy.ts gives pages for a bad escape, which decoding the parameter would throw on.
  const malformed = rejectMalformedPath(pathname);
  if (malformed) return writeWebResponse(res, malformed);
  const allowed = Object.keys(route.methods) as Method[];
  const method = req.method ?? "GET";
  if (method === "OPTIONS") {
    res.writeHead(204, { Allow: [...allowed, ...(route.methods.GET ? ["HEAD"] : []), "OPTIONS"].join(", ") });
    return void res.end();
  }
  // HEAD runs GET (its checks, status and headers; Node sends no body); an event stream is not opened for it.
  const handler = route.methods[(method === "HEAD" ? "GET" : method) as Method];
  if (!handler) return writeWebResponse(res, methodNotAllowed(allowed));
  const param = rawParam === undefined ? "" : decodeURIComponent(rawParam);
  if ("node" in handler) return handler.node(services, req, res, param);
  const request = webRequestOf(req, { withBody: method !== "GET" && method !== "HEAD", closedBy: res, base: services.config.APP_URL });
  await writeWebResponse(res, await handler.fetch(services, request, param));
}

/** Every failure answers with the API's error body (never a stack trace). */
async function answer(res: ServerResponse, serve: () => Promise<void>): Promise<void> {
  try {
    await serve();
  } catch (err) {
    if (res.headersSent) return void res.destroy();
    await writeWebResponse(res, toErrorResponse(err)).catch(() => res.destroy());
  }
}
