/**
 * Production refuses to run on secrets anyone can read (docs/security.md): `npm start`'s own
 * command (the launcher), and each process on its own, exit non-zero with one line naming
 * the variable — before anything starts.
 */
import { expect, test } from "../support/fixtures";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEV_ADMIN_PASSWORD, DEV_WEBHOOK_SECRET } from "@/server/env";
import { freePort, freePortPair, generatedSecrets, processArgs } from "@/scripts/processes";

const ROOT = path.resolve(import.meta.dirname, "../..");
const NODE_TS = ["--conditions=react-server", "--import", "tsx"];

type Run = { code: number | null; output: string };

/** Runs Node with `nodeArgs` in production mode with `env` on top of valid secrets ("" unsets one). */
function run(nodeArgs: string[], env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, nodeArgs, {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...generatedSecrets(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, output })));
}

// The launcher's cases; every rule of each secret is covered by server/env.test.ts.
const REFUSED: [string, string, Record<string, string>][] = [
  ["the committed development webhook secret", "PAYMENT_WEBHOOK_SECRET", { PAYMENT_WEBHOOK_SECRET: DEV_WEBHOOK_SECRET }],
  ["the committed webhook secret kept as the previous one", "PAYMENT_WEBHOOK_SECRET_PREVIOUS", { PAYMENT_WEBHOOK_SECRET_PREVIOUS: DEV_WEBHOOK_SECRET }],
  ["no auth secret", "BETTER_AUTH_SECRET", { BETTER_AUTH_SECRET: "" }],
  ["a short auth secret", "BETTER_AUTH_SECRET", { BETTER_AUTH_SECRET: "only-twenty-characte" }],
  ["the committed development admin password", "ADMIN_PASSWORD", { ADMIN_EMAIL: "ops@example.test", ADMIN_PASSWORD: DEV_ADMIN_PASSWORD }],
  ["an admin email without a password", "ADMIN_PASSWORD", { ADMIN_EMAIL: "ops@example.test", ADMIN_PASSWORD: "" }],
];

for (const [name, variable, env] of REFUSED) {
  test(`NODE_ENV=production npm start with ${name}: exits non-zero with one line naming ${variable}, before starting anything`, async () => {
    // No DATABASE_URL: had the launcher gone on, it would have started an embedded Postgres in dataDir.
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "conveyor-refused-"));
    rmSync(dataDir, { recursive: true });
    try {
      const [port, simulatorPort] = await freePortPair();
      const { code, output } = await run([...NODE_TS, path.join(ROOT, "scripts/conveyor.ts"), "start"], {
        DATABASE_URL: "",
        DATA_DIR: dataDir,
        PORT: String(port),
        SIMULATOR_PORT: String(simulatorPort),
        ...env,
      });
      expect(code, output).not.toBe(0);
      const lines = output.trim().split("\n");
      expect(lines, output).toHaveLength(1);
      expect(lines[0]).toMatch(/^\[launcher\] Invalid configuration: /);
      expect(lines[0]).toContain(variable);
      // It names the variable, never its value.
      for (const value of Object.values(env).filter((v) => v.length > 0 && v !== "ops@example.test")) expect(lines[0]).not.toContain(value);
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
}

test("every process refuses alike when started on its own: web server, worker, simulators", async () => {
  const port = await freePort();
  // Each as `npm start` runs it: its bundle from the build (decision 044).
  const entries: [string, string[]][] = [
    ["web", [...processArgs("web-server", "start"), "start", String(port)]],
    ["worker", processArgs("worker", "start")],
    ["simulators", processArgs("simulators", "start")],
  ];
  for (const [role, args] of entries) {
    const { code, output } = await run(args, { BETTER_AUTH_SECRET: "", DATABASE_URL: "postgres://postgres@127.0.0.1:1/unused" });
    expect(code, output).not.toBe(0);
    expect(output.trim().split("\n"), output).toEqual([expect.stringMatching(new RegExp(`^\\[${role}\\] Invalid configuration: BETTER_AUTH_SECRET is not set`))]);
  }
});
