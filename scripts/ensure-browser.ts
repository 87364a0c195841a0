/**
 * Makes sure the browser suite has a Chromium before `npm test` starts it: an installed one
 * is used as is (see e2e/support/chromium.ts for the order); otherwise Playwright's own is
 * downloaded, and where that download is blocked (CI reaches only the npm registry) the
 * system package manager installs Debian's `chromium-headless-shell` (the headless build
 * Playwright itself prefers; the full `chromium` where the release has no such package), with
 * sudo unless root.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { userInfo } from "node:os";
import { findChromium } from "@/e2e/support/chromium";

function run(command: string, args: string[]): boolean {
  console.log(`[ensure-browser] ${command} ${args.join(" ")}`);
  return spawnSync(command, args, { stdio: "inherit", timeout: 600_000 }).status === 0;
}

function installPlaywrightChromium(): boolean {
  const cli = createRequire(import.meta.url).resolve("@playwright/test/cli");
  return run(process.execPath, [cli, "install", "chromium"]);
}

function installSystemChromium(): boolean {
  if (spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status !== 0) return false;
  const [command, prefix] = userInfo().uid === 0 ? ["apt-get", []] : ["sudo", ["apt-get"]];
  if (!run(command, [...prefix, "update", "-qq"])) return false;
  return ["chromium-headless-shell", "chromium"].some((browser) => run(command, [...prefix, "install", "-y", "-qq", "--no-install-recommends", browser, "fonts-dejavu-core"]));
}

function main(): void {
  let found = findChromium();
  if (!found) {
    console.log("[ensure-browser] no Chromium found; installing Playwright's");
    if (!installPlaywrightChromium() || !(found = findChromium())) {
      console.log("[ensure-browser] Playwright's download failed; installing the system's chromium");
      if (installSystemChromium()) found = findChromium();
    }
  }
  if (!found) {
    console.error("[ensure-browser] No Chromium could be found or installed. Install one (or run `npx playwright install chromium`), or set CHROMIUM_PATH.");
    process.exit(1);
  }
  console.log(`[ensure-browser] ${found.source} Chromium: ${found.executablePath}`);
  if (found.source === "system" && !found.executablePath.endsWith("-headless-shell")) {
    console.log("[ensure-browser] tip: Debian's chromium-headless-shell runs the suite's browser files about a quarter faster (e2e/support/chromium.ts)");
  }
}

main();
