import { expect, test } from "../support/fixtures";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * The web process loads the server modules once (decision 030): Next's build holds pages and
 * components, never a module whose state the process shares. Were the intake group, the LISTEN
 * hub or the stream limits bundled by Next again, the process would hold two of each — two
 * intake groups each taking half the pool, two budgets — so this fails on the build itself.
 * Each marker is a string literal that the minifier keeps, from a module with such state.
 */
const MARKERS: [module: string, literal: string][] = [
  ["server/orders/place-order.ts", "user_id must be the authenticated shopper."], // the intake group
  ["server/realtime/order-event-hub.ts", "LISTEN order_events"], // the LISTEN connection
  ["server/realtime/stream-slots.ts", "The server has too many event streams open"], // the stream limits
  ["web/page-server.ts", "A page asked for data outside a request of the web server"], // the pages' door
];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".js"))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

test("Next's server build holds no server module: the process keeps one copy of what it shares", () => {
  // Markers that moved out of their module would make this pass for nothing.
  for (const [module, literal] of MARKERS) expect(readFileSync(module, "utf8"), module).toContain(literal);
  const serverBuild = path.join(process.env.NEXT_DIST_DIR ?? ".next", "server");
  const files = filesUnder(serverBuild);
  expect(files.length, `${serverBuild} holds the build (npm run build first)`).toBeGreaterThan(0);
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    for (const [module, literal] of MARKERS) expect(text.includes(literal), `${module} is bundled into ${file}`).toBe(false);
  }
});
