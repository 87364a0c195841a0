/**
 * The suite's accessibility scan: axe-core over the page as it stands, and the violations a
 * person would be blocked by (impact "serious" or "critical"), one readable line each, so a
 * failing test names the rule and the elements.
 */
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";

/**
 * Legacy mode runs axe.run() in the page itself. The default mode runs axe in every frame and
 * then merges the results in a new blank page it opens, injects axe into again and closes —
 * for pages with no frames (none of Conveyor's has one) the same rules on the same DOM, at
 * about a second more per scan on the 2-core machine (1.0–2.8 s against 0.3–0.9 s measured
 * on the admin pages), which the suite paid some thirty times.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).setLegacyMode().analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} — ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}
