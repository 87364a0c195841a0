/**
 * Spawns Conveyor's processes: the simulated third parties, the pg-boss workers and the
 * web server (scripts/web-server.ts: the API on node:http, pages by Next.js behind it,
 * decisions 022 and 030). Shared by the launcher (`npm run dev` / `npm start`), the end-to-end
 * harness and the benchmark, so all three start the app exactly the same way. Simulators,
 * workers and the web server are supervised: one that crashes is started again.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { Writable } from "node:stream";

export type Mode = "dev" | "start";

const ROOT = path.resolve(import.meta.dirname, "..");
// Node processes run with `react-server`, which lets them import modules marked `server-only`
// (they are servers), exactly as Next resolves them for route handlers; in dev they run their
// TypeScript through tsx. The drizzle hook takes 0.8 s of CPU off each start
// (scripts/drizzle-resolve-hook.mjs says why).
const NODE_RUNTIME = ["--conditions=react-server", "--import", path.join(ROOT, "scripts", "drizzle-resolve-hook.mjs")];
const NODE_TS = [...NODE_RUNTIME, "--import", "tsx"];
/** The code the Node processes load themselves (not through Next's bundle). */
const SERVER_SOURCE_DIRS = ["server", "web", "jobs", "lib", "simulators"];

/** Each process's entry point: its source (run through tsx in dev), bundled by `npm run build` for start. */
export const PROCESS_ENTRIES = {
  "web-server": "scripts/web-server.ts",
  worker: "jobs/worker.ts",
  simulators: "simulators/server.ts",
} as const;
export type ProcessEntry = keyof typeof PROCESS_ENTRIES;

/** The Next build `npm start` serves (NEXT_DIST_DIR lets checkouts build side by side). */
export function nextDistDir(): string {
  return path.resolve(ROOT, process.env.NEXT_DIST_DIR ?? ".next");
}

/** Where scripts/bundle-processes.ts puts the processes' bundles: inside the Next build they belong to. */
export function processBundleDir(): string {
  return path.join(nextDistDir(), "conveyor");
}

/**
 * The node arguments that run `entry`: in dev its TypeScript source through tsx, restarted on
 * change; in start its bundle from `npm run build` (decision 044), which must come from the
 * same build as the pages — else this throws, saying to build again.
 */
export function processArgs(entry: ProcessEntry, mode: Mode): string[] {
  if (mode === "dev") {
    const watch = ["--watch-preserve-output", ...SERVER_SOURCE_DIRS.map((dir) => `--watch-path=${path.join(ROOT, dir)}`)];
    return [...NODE_TS, ...watch, path.join(ROOT, PROCESS_ENTRIES[entry])];
  }
  ensureProductionBuild();
  return [...NODE_RUNTIME, "--enable-source-maps", path.join(processBundleDir(), `${entry}.mjs`)];
}

/** No production build to start, or bundles from another build than the pages'. */
export class MissingBuildError extends Error {}

/** Throws, saying what to run, unless the pages and the processes' bundles of one `npm run build` are there. */
export function ensureProductionBuild(): void {
  const bundles = processBundleDir();
  const buildId = (file: string) => (existsSync(file) ? readFileSync(file, "utf8").trim() : undefined);
  const pages = buildId(path.join(nextDistDir(), "BUILD_ID"));
  const processes = buildId(path.join(bundles, "BUILD_ID"));
  if (pages && pages === processes) return;
  throw new MissingBuildError(
    pages
      ? `${bundles} does not belong to the build in ${nextDistDir()}: run \`npm run build\`, which bundles the processes after \`next build\``
      : `no production build in ${nextDistDir()}: run \`npm run build\` first`,
  );
}

export type ProcessOptions = {
  mode: Mode;
  env: NodeJS.ProcessEnv;
  port: number;
  workers: number;
  /**
   * Where child output goes: "inherit" passes it on (the JSON log lines as they are, since they
   * name their role; anything else prefixed with it), a function gets every line (tests read
   * the logs of an order's life), "ignore" drops it.
   */
  output?: "inherit" | "ignore" | ((role: string, line: string) => void);
};

export type RunningProcesses = {
  children: Map<string, ChildProcess>;
  /** Starts `count` more supervised worker processes. */
  addWorkers(count: number): void;
  /** Another web server on `port`, same database (to show SSE fan-out across instances); not restarted. */
  spawnWeb(port: number): ChildProcess;
  stop(): Promise<void>;
};

export function startProcesses(options: ProcessOptions): RunningProcesses {
  const children = new Map<string, ChildProcess>();
  let stopping = false;

  const restartDelays = new Map<string, number>();
  const launch = (role: string, args: string[], restartOnCrash: boolean): ChildProcess => {
    const startedAt = Date.now();
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      // `npm run dev` logs pretty (server/logging/logger.ts), `npm start` JSON lines.
      env: { ...options.env, PROCESS_ROLE: role, ...(options.mode === "dev" && !options.env.LOG_FORMAT ? { LOG_FORMAT: "pretty" } : {}) },
      stdio: options.output === "ignore" ? "ignore" : ["ignore", "pipe", "pipe"],
    });
    const output = options.output ?? "inherit";
    // Whole lines only: a chunk may end mid-line, and a JSON line must stay one line.
    const lineSink = (target: NodeJS.WriteStream) =>
      typeof output === "function"
        ? (line: string) => output(role, line)
        : (line: string) => void target.write(line.startsWith("{") ? `${line}\n` : `${role.padEnd(10)} | ${line}\n`);
    if (output !== "ignore") {
      child.stdout?.pipe(splitLines(lineSink(process.stdout)));
      child.stderr?.pipe(splitLines(lineSink(process.stderr)));
    }
    children.set(role, child);
    child.on("exit", (code, signal) => {
      if (children.get(role) === child) children.delete(role);
      if (stopping || !restartOnCrash) return;
      // A process that keeps dying at start (its database down, say) is retried ever more
      // slowly, up to 30 s; one that ran for a while is restarted at once.
      const delay = Date.now() - startedAt < 10_000 ? Math.min((restartDelays.get(role) ?? 500) * 2, 30_000) : 1000;
      restartDelays.set(role, delay);
      console.error(`[launcher] ${role} exited (${signal ?? code}); restarting in ${delay / 1000} s`);
      setTimeout(() => !stopping && launch(role, args, restartOnCrash), delay);
    });
    return child;
  };

  // In dev every process restarts when the server-side code it runs changes (Next's hot reload
  // covers pages and components only; the API and the services are not in its bundle, decision 030).
  const workerArgs = processArgs("worker", options.mode);
  launch("simulators", processArgs("simulators", options.mode), true);
  let workers = 0;
  const addWorkers = (count: number) => {
    for (let i = 0; i < count; i++) launch(`worker-${++workers}`, workerArgs, true);
  };
  addWorkers(options.workers);
  const webServerArgs = processArgs("web-server", options.mode);
  const webArgs = (port: number) => [...webServerArgs, options.mode, String(port), "127.0.0.1"];
  launch("web", webArgs(options.port), true);

  return {
    children,
    addWorkers,
    spawnWeb: (port) => launch(`web-${port}`, webArgs(port), false),
    async stop() {
      stopping = true;
      const exits = [...children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const force = setTimeout(() => child.kill("SIGKILL"), 30_000);
            child.once("exit", () => {
              clearTimeout(force);
              resolve();
            });
            child.kill("SIGTERM");
          }),
      );
      await Promise.all(exits);
    },
  };
}

/** A writable that calls `onLine` with each complete line written to it. */
function splitLines(onLine: (line: string) => void): Writable {
  let rest = "";
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      const lines = (rest + chunk.toString("utf8")).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) if (line) onLine(line);
      done();
    },
    final(done) {
      if (rest) onLine(rest);
      done();
    },
  });
}

/**
 * Resolves when the health endpoint at `url` answers 200 (web up, database reachable, a
 * worker alive) — or, with `requireWorkers: false`, as soon as the web server and the
 * database answer, workers or not.
 */
export async function waitUntilHealthy(url: string, timeoutMs = 120_000, options: { requireWorkers?: boolean } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      const body = await response.text();
      if (response.ok) return;
      if (options.requireWorkers === false && (JSON.parse(body) as { database?: string }).database === "ok") return;
      last = `${response.status} ${body}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not become healthy in ${timeoutMs} ms (last: ${last})`);
}

/**
 * Fresh secrets for a stack a harness (end-to-end tests, benchmark) starts in production mode,
 * which refuses missing or committed ones (docs/security.md): made like .env.example says.
 */
export function generatedSecrets(): { PAYMENT_WEBHOOK_SECRET: string; BETTER_AUTH_SECRET: string; HEALTH_TOKEN: string } {
  return {
    PAYMENT_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString("base64")}`,
    BETTER_AUTH_SECRET: randomBytes(32).toString("base64"),
    HEALTH_TOKEN: randomBytes(32).toString("base64"),
  };
}

/** A TCP port nothing listens on right now (for test and benchmark stacks). */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}

/** Two distinct free ports: the web server's and the simulators'. */
export async function freePortPair(): Promise<[web: number, simulators: number]> {
  const [web, simulators] = await freePorts(2);
  return [web!, simulators!];
}

/**
 * `count` distinct TCP ports nothing listens on right now. All are held open until every one
 * is known: asked one after another, the kernel may hand out a port just released again, and a
 * stack whose web server and simulators got the same port would find the simulators answering
 * its health checks.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(
      servers.map(
        (server) =>
          new Promise<number>((resolve, reject) => {
            server.once("error", reject);
            server.listen(0, "127.0.0.1", () => {
              const address = server.address();
              resolve(typeof address === "object" && address ? address.port : 0);
            });
          }),
      ),
    );
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()))));
  }
}

/** A port the app needs, and the variable that chooses it (for the message when it is taken). */
export type NeededPort = { port: number; variable: string; role: string };

export class PortInUseError extends Error {
  constructor(readonly needed: NeededPort) {
    super(
      `port ${needed.port} (${needed.variable}, the ${needed.role}) is already in use by another process. ` +
        `Stop that process, or choose another port: ${needed.variable}=<free port> in the environment or .env.`,
    );
    this.name = "PortInUseError";
  }
}

/**
 * Fails with PortInUseError when one of `ports` is taken on 127.0.0.1, where the app listens.
 * Checked before anything starts: otherwise the process that cannot bind would crash and be
 * restarted forever, while another app answering on the port made everything look healthy.
 */
export async function ensurePortsFree(ports: NeededPort[]): Promise<void> {
  for (const needed of ports) {
    const free = await new Promise<boolean>((resolve, reject) => {
      const server = createServer();
      server.once("error", (err: NodeJS.ErrnoException) => (err.code === "EADDRINUSE" || err.code === "EACCES" ? resolve(false) : reject(err)));
      server.listen(needed.port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
    if (!free) throw new PortInUseError(needed);
  }
}
