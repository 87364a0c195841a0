/**
 * The pictures in docs/images are taken by the specs that reach each page with real data on
 * it, but only when asked: `npm run docs:screenshots` (DOCS_SCREENSHOTS=1). A plain test run
 * leaves the tracked images alone and spends no CPU on full-page PNGs it would throw away.
 */
import type { Locator, Page } from "@playwright/test";

export const TAKING_DOCS_SCREENSHOTS = process.env.DOCS_SCREENSHOTS === "1";

/** Saves `docs/images/{file}` when DOCS_SCREENSHOTS=1; a page is captured full length. */
export async function docsScreenshot(target: Page | Locator, file: string): Promise<void> {
  if (!TAKING_DOCS_SCREENSHOTS) return;
  const path = `docs/images/${file}`;
  if ("goto" in target) await target.screenshot({ path, fullPage: true });
  else await target.screenshot({ path });
}
