/**
 * The web process: `web-server.ts dev|start <port> <host>`, started by scripts/processes.ts
 * (so by `npm run dev`, `npm start`, the e2e harness and the benchmark alike). Next reads
 * NODE_ENV when it loads (React picks its build by it), so it is set before anything is
 * imported, with the defaults `next dev` / `next start` use.
 */
const [mode, port, hostname = "127.0.0.1"] = process.argv.slice(2);
if ((mode !== "dev" && mode !== "start") || !port) throw new Error("usage: web-server.ts dev|start <port> [host]");
const env = process.env as Record<string, string | undefined>;
env.NODE_ENV ??= mode === "dev" ? "development" : "production";

export {}; // a module, for the top-level await

// Imported only now: NODE_ENV above decides which rules the configuration must meet.
const { envOrExit } = await import("@/server/env");
envOrExit("web");
const { startWebServer } = await import("@/web/web-server");
await startWebServer({ dev: mode === "dev", port: Number(port), hostname });
