import { defineConfig, devices } from "@playwright/test";

/**
 * Conveyor started for a suite (`npm run start:test` in Conveyor prints these values):
 *   BASE_URL            where it answers, e.g. http://127.0.0.1:3000
 *   TEST_CONTROLS_TOKEN the bearer token of /api/test/*
 *   ADMIN_EMAIL, ADMIN_PASSWORD   the admin account (for the admin pages)
 * CHROMIUM_PATH picks a Chromium other than Playwright's own (`npx playwright install chromium`).
 */
const baseURL = process.env.BASE_URL ?? "http://127.0.0.1:3000";
const runningAsRoot = process.getuid?.() === 0;

export default defineConfig({
  testDir: "./tests",
  globalSetup: "./global-setup.ts",
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: "list",
  use: {
    baseURL,
    trace: "retain-on-failure",
    ...devices["Desktop Chrome"],
    // Conveyor's pulsing live dot makes a headless browser draw frames while a test waits on a
    // page; with reduced motion it stops (docs/testing.md, "Wait on state, never on time").
    reducedMotion: "reduce",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || undefined,
      args: runningAsRoot ? ["--no-sandbox"] : [],
    },
  },
  projects: [
    {
      // Each test has its own shopper and touches nothing shared: these run in parallel.
      name: "own-shopper",
      testMatch: /own-shopper\/.*\.spec\.ts$/,
      fullyParallel: true,
    },
    {
      // These change what every test sees (stock, the simulated carrier): one at a time,
      // after the parallel ones.
      name: "shared-state",
      testMatch: /shared-state\/.*\.spec\.ts$/,
      fullyParallel: false,
      dependencies: ["own-shopper"],
    },
  ],
});
