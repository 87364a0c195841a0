// Every Playwright process (the runner and each worker) loads this file first: the hook that
// spares each of them ~1 s of CPU resolving drizzle-orm's modules (decision 040) goes here,
// so a worker's start is as cheap as a stack process's.
import "./scripts/drizzle-resolve-hook.mjs";
import { defineConfig, devices } from "@playwright/test";
import { browserLaunchOptions } from "./e2e/support/chromium";

const TRACE_MODES = ["off", "on", "retain-on-failure", "on-first-retry", "retain-on-first-failure"] as const;

function traceMode(value: string | undefined): (typeof TRACE_MODES)[number] {
  if (!value) return "off";
  const mode = TRACE_MODES.find((m) => m === value);
  if (!mode) throw new Error(`E2E_TRACE must be one of ${TRACE_MODES.join(", ")} (got "${value}")`);
  return mode;
}

export default defineConfig({
  testDir: "./e2e",
  globalSetup: "./e2e/global-setup.ts",
  // One stack per worker, shared by its files (e2e/support/fixtures.ts). Files whose tests are
  // independent say so with test.describe.configure({ mode: "parallel" }); the others keep their
  // tests in one worker, in order: either they depend on order (said in the file), or they run
  // on a private stack (test.use({ stackEnv })), which a second worker would have to start again.
  fullyParallel: false,
  // Three: the suite's tests spend much of their time waiting on the pipeline (retries, slow
  // providers, restarts), and a third stack fills those waits. On the 2-core machine three ran
  // the suite in 3.8–4.2 min against 4.3–4.4 with two, and under a CPU hog on one core in 4.6
  // against 5.2 (decision 050). Each stack holds up to CONNECTIONS_PER_STACK Postgres
  // connections; the global setup warns when the server has no room for them all.
  workers: Number(process.env.E2E_WORKERS ?? 3),
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : "list",
  use: {
    // Recording a trace costs more than the test on this 2-core machine (shop/outcomes.spec.ts:
    // 87 s with retain-on-failure, 43 s without — it is recorded for every test and thrown away
    // when it passes). Off by default; E2E_TRACE=retain-on-failure (or on) records them again
    // when a failure needs one. A failure still leaves its screenshot.
    trace: traceMode(process.env.E2E_TRACE),
    screenshot: "only-on-failure",
    // The browser as a visitor who asked for less motion sees it: the live dot and the current
    // step stop pulsing (motion-safe:animate-pulse). A pulsing page makes the headless browser
    // draw frames the whole time it is open — 1.4–1.6 s of CPU in 15 s on the 2-core machine,
    // against 0.04 still — and a test spends most of its time with a page open, waiting on
    // state. No test looks at an animation; the pages' hooks and text are the same.
    reducedMotion: "reduce",
  },
  // One project: Playwright starts a worker (and so a stack, e2e/support/fixtures.ts) per
  // project and set of worker options, so the five projects this suite once had (api, browser,
  // admin, account, security) started the same default stack five times over. The folders
  // still say what a file is about; a file that drives no page never starts a browser.
  projects: [
    {
      name: "e2e",
      testMatch: "**/*.spec.ts",
      use: { ...devices["Desktop Chrome"], launchOptions: browserLaunchOptions() },
    },
  ],
});
