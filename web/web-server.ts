import "server-only";
import http from "node:http";
import path from "node:path";
import next from "next";
import { env } from "@/server/env";
import { responseSecurityHeaders } from "@/server/http/security-headers";
import { pinClientAddress } from "./client-address";
import { endAfterRequestBody } from "./finish-request-body";
import { serveNativeRoute } from "./serve-native-route";

const ROOT = path.resolve(import.meta.dirname, "..");

/**
 * The web process (decision 022): one node:http server on which the event streams and the
 * payment webhook are served natively, and every other request goes to Next.js (pages,
 * tRPC, the rest of the REST API, proxy.ts in front of them). Passing the server to Next
 * lets it attach its own upgrade handler (hot reload in dev).
 */
export async function startWebServer(options: { dev: boolean; port: number; hostname: string }): Promise<void> {
  const server = http.createServer();
  const app = next({ dev: options.dev, dir: ROOT, hostname: options.hostname, port: options.port, httpServer: server });
  const handleWithNext = app.getRequestHandler();
  await app.prepare();
  const { TRUSTED_PROXY_HOPS: trustedHops, APP_URL: appUrl } = env();
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    pinClientAddress(req, trustedHops);
    for (const [name, value] of responseSecurityHeaders(pathnameOf(req), appUrl)) res.setHeader(name, value);
    endAfterRequestBody(req, res);
    if (serveNativeRoute(req, res)) return;
    handleWithNext(req, res).catch((err: unknown) => {
      // What `next start`'s own listener does when its handler throws (it never should).
      console.error(`[web] Next failed to handle ${req.url}:`, err);
      if (!res.headersSent) res.statusCode = 500;
      res.end("Internal Server Error");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.hostname, resolve);
  });
  console.log(`[web] listening on http://${options.hostname}:${options.port} (${options.dev ? "dev" : "production"})`);
  if (env().NODE_ENV === "production" && env().TEST_CONTROLS_TOKEN) {
    console.warn(
      "[web] WARNING: TEST_CONTROLS_TOKEN is set, so /api/test/* is open to its holder (reset every order and shopper, sign shoppers in, steer the simulated services): for end-to-end suites only, never in a real deployment (docs/security.md).",
    );
  }

  const shutdown = () => {
    // Open event streams would hold server.close() forever; clients reconnect elsewhere.
    server.closeAllConnections();
    server.close();
    void app.close().finally(() => process.exit(0));
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}

function pathnameOf(req: http.IncomingMessage): string {
  const url = req.url ?? "/";
  const query = url.indexOf("?");
  return query < 0 ? url : url.slice(0, query);
}
