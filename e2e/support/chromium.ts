/**
 * Which Chromium the browser suite drives, decided in one place for playwright.config.ts
 * and scripts/ensure-browser.ts: `CHROMIUM_PATH` when set, else Playwright's own build when
 * it is installed, else the system's — Debian's `chromium-headless-shell` before its full
 * `chromium`. The headless shell is what Playwright itself runs headless tests in: no browser
 * UI behind the page, and on the 2-core machine the browser-heavy files (shop/accessibility
 * and admin/pages) took 118 s instead of 159 s (median of two runs each). A headed run
 * (`--headed`, `--debug`) needs a full browser: `CHROMIUM_PATH=/usr/bin/chromium`.
 */
import { chromium } from "@playwright/test";
import { existsSync } from "node:fs";
import { userInfo } from "node:os";
import { delimiter, join } from "node:path";

const SYSTEM_NAMES = ["chromium-headless-shell", "chromium", "chromium-browser", "google-chrome-stable", "google-chrome"];

export type FoundChromium = { executablePath: string; source: "CHROMIUM_PATH" | "playwright" | "system" };

export function findChromium(): FoundChromium | undefined {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) return { executablePath: configured, source: "CHROMIUM_PATH" };
  const bundled = chromium.executablePath();
  if (existsSync(bundled)) return { executablePath: bundled, source: "playwright" };
  const searchPath = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  for (const name of SYSTEM_NAMES) {
    const found = searchPath.map((dir) => join(dir, name)).find((candidate) => existsSync(candidate));
    if (found) return { executablePath: found, source: "system" };
  }
  return undefined;
}

/**
 * Launch options for the Chromium findChromium() finds (scripts/ensure-browser.ts, run by `npm
 * test`, installs one when there is none); Playwright's own needs no path. Root needs --no-sandbox.
 */
export function browserLaunchOptions(): { executablePath: string | undefined; args: string[] } {
  const found = findChromium();
  const executablePath = found && found.source !== "playwright" ? found.executablePath : undefined;
  const args = userInfo().uid === 0 ? ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"] : [];
  return { executablePath, args };
}
