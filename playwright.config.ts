import { defineConfig, devices } from "@playwright/test";
import { chromium } from "@playwright/test";
import { existsSync } from "node:fs";
import { userInfo } from "node:os";

/**
 * Playwright's own Chromium when it is installed (a developer machine after
 * `npx playwright install chromium`); otherwise the system's (Debian's `chromium`, as on
 * CI, where browsers cannot be downloaded). Root needs --no-sandbox.
 */
function browserLaunchOptions() {
  const bundled = chromium.executablePath();
  const executablePath = process.env.CHROMIUM_PATH ?? (existsSync(bundled) ? undefined : "/usr/bin/chromium");
  const args = userInfo().uid === 0 ? ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"] : [];
  return { executablePath, args };
}

export default defineConfig({
  testDir: "./e2e",
  globalSetup: "./e2e/global-setup.ts",
  // Each file starts its own stack; files run in parallel, tests inside a file in order.
  fullyParallel: false,
  workers: Number(process.env.E2E_WORKERS ?? 2),
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : "list",
  use: {
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    { name: "api", testMatch: "api/**/*.spec.ts" },
    {
      name: "browser",
      testMatch: "shop/**/*.spec.ts",
      use: { ...devices["Desktop Chrome"], launchOptions: browserLaunchOptions() },
    },
    {
      // The admin dashboard: its API (tRPC, SSE, lab) and its pages in a browser.
      name: "admin",
      testMatch: "admin/**/*.spec.ts",
      use: { ...devices["Desktop Chrome"], launchOptions: browserLaunchOptions() },
    },
  ],
});
