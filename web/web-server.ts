import "server-only";
import http from "node:http";
import next from "next";
import { databaseUrl, env } from "@/server/env";
import { responseSecurityHeaders } from "@/server/http/security-headers";
import { installTracing } from "@/server/telemetry/tracing";
import { pinClientAddress } from "./client-address";
import { endAfterRequestBody } from "./finish-request-body";
import { createApiRouter } from "./api-router";
import { withPageServices } from "./page-server";
import { createWebServices } from "./web-services";
import { loggerFor } from "@/server/logging/logger";

const log = loggerFor("web");

// The project directory, as `next start` takes it: the launcher starts this process there.
// (Not this file's own: the process may run from the bundle under .next/conveyor/, decision 044.)
const ROOT = process.cwd();

/**
 * How long an idle kept-alive connection stays open. Node's 5 s default races clients that keep
 * connections alive without retrying (Node's own agent, Playwright's request context): one that
 * reuses a connection as the server closes it gets a reset instead of an answer. Node's agent
 * stops reusing a connection a second before the `Keep-Alive: timeout` the server announces,
 * so the race needs a second of event-loop lag on either side — which a loaded machine has (a
 * suite run under a CPU hog lost a request to it). A minute, as servers behind load balancers
 * keep them, makes that window a rare idle minute's end instead of every pause of 4–5 s.
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * The web process (decisions 022 and 030): it builds its services once, serves the whole API
 * (REST, tRPC, auth, event streams, the payment webhook) on one node:http server with them,
 * and hands every other request — pages — to Next.js, inside `withPageServices` so a page's
 * server render reads through the same services. Passing the server to Next lets it attach
 * its own upgrade handler (hot reload in dev).
 */
export async function startWebServer(options: { dev: boolean; port: number; hostname: string }): Promise<void> {
  // Before Next loads: it finds @opentelemetry/api and reports its page renders to the provider installed here.
  const tracing = installTracing("conveyor-web", env().TRACE_RETENTION_DAYS);
  const services = createWebServices(env(), databaseUrl());
  tracing.attachStore(services.pool);
  const serveApi = createApiRouter(services);
  const server = http.createServer({ keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS });
  const app = next({ dev: options.dev, dir: ROOT, hostname: options.hostname, port: options.port, httpServer: server });
  const handleWithNext = app.getRequestHandler();
  await app.prepare();
  const { TRUSTED_PROXY_HOPS: trustedHops, APP_URL: appUrl } = env();
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    pinClientAddress(req, trustedHops);
    for (const [name, value] of responseSecurityHeaders(pathnameOf(req), appUrl)) res.setHeader(name, value);
    endAfterRequestBody(req, res);
    if (serveApi(req, res)) return;
    withPageServices(services, () => handleWithNext(req, res)).catch((err: unknown) => {
      // What `next start`'s own listener does when its handler throws (it never should).
      log.error({ err, url: req.url }, "Next failed to handle a request");
      if (!res.headersSent) res.statusCode = 500;
      res.end("Internal Server Error");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.hostname, resolve);
  });
  log.info(`listening on http://${options.hostname}:${options.port} (${options.dev ? "dev" : "production"})`);
  if (env().NODE_ENV === "production" && env().TEST_CONTROLS_TOKEN) {
    log.warn(
      "TEST_CONTROLS_TOKEN is set, so /api/test/* is open to its holder (reset every order and shopper, sign shoppers in, steer the simulated services): for end-to-end suites only, never in a real deployment (docs/security.md).",
    );
  }

  const shutdown = () => {
    // Open event streams would hold server.close() forever; clients reconnect elsewhere.
    server.closeAllConnections();
    server.close();
    void app
      .close()
      .then(() => tracing.shutdown()) // its last spans go out through the pool, closed next
      .then(() => services.close())
      .finally(() => process.exit(0));
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}

function pathnameOf(req: http.IncomingMessage): string {
  const url = req.url ?? "/";
  const query = url.indexOf("?");
  return query < 0 ? url : url.slice(0, query);
}
