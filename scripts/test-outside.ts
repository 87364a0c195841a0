/**
 * `npm run test:outside`: runs examples/outside-suite — a Playwright project that knows
 * Conveyor only through the documented browser hooks and test controls (docs/testing.md), as
 * an outside team's suite does — against the built app (it builds nothing: `npm run build`
 * first). The app is started by `npm run start:test` on free ports with its own token and admin
 * password, its output kept in test-results/outside-suite-app.log, and stopped afterwards. The
 * exit code is the suite's.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { findChromium } from "@/e2e/support/chromium";
import { freePortPair, waitUntilHealthy } from "./processes";

const ROOT = path.resolve(import.meta.dirname, "..");
const SUITE = path.join(ROOT, "examples", "outside-suite");
const LOG = path.join(ROOT, "test-results", "outside-suite-app.log");

function exited(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  const [port, simulatorPort] = await freePortPair();
  const baseURL = `http://127.0.0.1:${port}`;
  const suiteEnv = {
    BASE_URL: baseURL,
    TEST_CONTROLS_TOKEN: `outside-${randomBytes(16).toString("hex")}`,
    ADMIN_EMAIL: "admin@conveyor.local",
    ADMIN_PASSWORD: randomBytes(18).toString("base64url"),
  };

  mkdirSync(path.dirname(LOG), { recursive: true });
  const log = createWriteStream(LOG);
  const app = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join(ROOT, "scripts/start-test.ts")], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      SIMULATOR_PORT: String(simulatorPort),
      APP_URL: baseURL,
      TEST_CONTROLS_TOKEN: suiteEnv.TEST_CONTROLS_TOKEN,
      ADMIN_EMAIL: suiteEnv.ADMIN_EMAIL,
      ADMIN_PASSWORD: suiteEnv.ADMIN_PASSWORD,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  app.stdout!.pipe(log, { end: false });
  app.stderr!.pipe(log, { end: false });
  const appExit = exited(app);
  console.log(`[test:outside] starting Conveyor on ${baseURL} (npm run start:test; output in ${path.relative(ROOT, LOG)})`);

  let code = 1;
  try {
    const started = await Promise.race([waitUntilHealthy(`${baseURL}/api/health`).then(() => true), appExit.then(() => false)]);
    if (!started) throw new Error("start:test exited before Conveyor was up");
    // Where Playwright's own Chromium is not installed, the one e2e/support/chromium.ts finds.
    const chromium = findChromium();
    const browserEnv = chromium && chromium.source !== "playwright" ? { CHROMIUM_PATH: chromium.executablePath } : {};
    const cli = createRequire(import.meta.url).resolve("@playwright/test/cli");
    console.log(`[test:outside] running examples/outside-suite against it`);
    const suite = spawn(process.execPath, [cli, "test", ...process.argv.slice(2)], {
      cwd: SUITE,
      env: { ...process.env, ...suiteEnv, ...browserEnv },
      stdio: "inherit",
    });
    code = await exited(suite);
  } catch (err) {
    console.error("[test:outside]", err instanceof Error ? err.message : err);
  } finally {
    app.kill("SIGTERM");
    await appExit;
    log.end();
  }
  if (code !== 0) {
    const tail = readFileSync(LOG, "utf8").trimEnd().split("\n").slice(-30).join("\n");
    console.error(`[test:outside] the last lines of ${path.relative(ROOT, LOG)}:\n${tail}`);
  }
  return code;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error("[test:outside]", err);
    process.exit(1);
  },
);
