import { expect, test } from "../support/fixtures";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { createApiKey } from "@/server/auth/api-keys";
import { createDatabase } from "@/server/db/client";
import { freePortPair, generatedSecrets, waitUntilHealthy } from "@/scripts/processes";
import { createTestDatabase } from "@/tests/support/test-postgres";
import { TWO_WIDGETS } from "../support/api";

// These tests run the launcher itself (`npm start`'s command), not the harness built on it.
const ROOT = path.resolve(import.meta.dirname, "../..");
const LAUNCHER = ["--conditions=react-server", "--import", "tsx", path.join(ROOT, "scripts/conveyor.ts"), "start"];

function launch(env: Record<string, string>): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  let output = "";
  const child = spawn(process.execPath, LAUNCHER, {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...generatedSecrets(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => output, exit };
}

async function occupy(port: number): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return server;
}

for (const variable of ["PORT", "SIMULATOR_PORT"] as const) {
  test(`${variable} already in use: the launcher stops at once, naming the port and the variable, with a non-zero exit`, async () => {
    const [web, simulators] = await freePortPair();
    const taken = variable === "PORT" ? web : simulators;
    const squatter = await occupy(taken);
    try {
      const launcher = launch({ PORT: String(web), SIMULATOR_PORT: String(simulators), DATABASE_URL: "postgres://postgres@127.0.0.1:1/unused" });
      const code = await launcher.exit;
      expect(code).not.toBe(0);
      expect(launcher.output()).toContain(`port ${taken} (${variable}`);
      expect(launcher.output()).toContain("already in use");
      expect(launcher.output()).toContain(`${variable}=<free port>`);
    } finally {
      squatter.close();
    }
  });
}

test("no production build: the launcher stops at once, saying to run npm run build, before starting anything", async () => {
  const [web, simulators] = await freePortPair();
  const launcher = launch({ NEXT_DIST_DIR: ".next-never-built", PORT: String(web), SIMULATOR_PORT: String(simulators), DATABASE_URL: "postgres://postgres@127.0.0.1:1/unused" });
  expect(await launcher.exit).toBe(1);
  expect(launcher.output().trim().split("\n")).toEqual([expect.stringMatching(/^\[launcher\] no production build in .*\.next-never-built: run `npm run build` first$/)]);
});

/** Direct children of `pid` whose command line contains `marker`. */
function childPids(pid: number, marker: string): number[] {
  const lines = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(pid)], { encoding: "utf8" }).split("\n");
  return lines.filter((line) => line.includes(marker)).map((line) => Number(line.trim().split(/\s+/)[0]));
}

test("the web process killed: the launcher starts it again and the app answers as before", async () => {
  test.setTimeout(180_000);
  const database = await createTestDatabase();
  const [web, simulators] = await freePortPair();
  const baseURL = `http://127.0.0.1:${web}`;
  const launcher = launch({
    DATABASE_URL: database.url,
    PORT: String(web),
    SIMULATOR_PORT: String(simulators),
    APP_URL: baseURL,
    SEED: "false",
    WORKER_CONCURRENCY: "4",
    DB_POOL_MAX: "5",
  });
  const { db, pool } = createDatabase(database.url, 2);
  try {
    await waitUntilHealthy(`${baseURL}/api/health`, 120_000);
    const [webPid] = childPids(launcher.child.pid!, "web-server.mjs");
    expect(webPid).toEqual(expect.any(Number));

    process.kill(webPid!, "SIGKILL");
    await expect
      .poll(() => {
        const pids = childPids(launcher.child.pid!, "web-server.mjs");
        return pids.length === 1 && pids[0] !== webPid;
      }, { timeout: 60_000 })
      .toBe(true);
    expect(launcher.child.exitCode).toBeNull();
    await waitUntilHealthy(`${baseURL}/api/health`, 90_000);

    const { key } = await createApiKey(db, `launcher.${Date.now()}@example.test`);
    const response = await fetch(`${baseURL}/api/orders`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${key}` },
      body: JSON.stringify(TWO_WIDGETS),
    });
    expect(response.status).toBe(202);
    expect(launcher.output()).toMatch(/\[launcher\] web exited \(SIGKILL\); restarting/);
  } finally {
    launcher.child.kill("SIGTERM");
    expect(await launcher.exit).toBe(0);
    await pool.end();
    await database.drop();
  }
});
