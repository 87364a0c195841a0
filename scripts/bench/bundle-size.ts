/**
 * First-load JavaScript (gzip) of the storefront's main routes beside a bare Next.js app of
 * the same version. "First load" is what a browser fetches to make a route interactive: the
 * root main files of the build manifest plus every chunk the route's client reference
 * manifest lists for its segments (layout, error/not-found boundaries, loading, page).
 * Polyfills are left out (`nomodule`: modern browsers skip them). Each file is gzipped
 * (level 9) and the sizes summed.
 *
 * The bare app (one layout, one static page, no client code of its own) is built in a
 * throw-away `.next-bare-*` folder inside this project (git-ignored), so it resolves this
 * project's node_modules — exactly the same Next and React. (Turbopack does not follow a
 * node_modules symlink out of a temp dir.)
 *
 *   npm run bench             (prints these figures first)
 *   node --import tsx scripts/bench/bundle-size.ts    (these figures alone)
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { gzipSync } from "node:zlib";

export const MEASURED_ROUTES = { "/": "(shop)/(catalog)/page", "/checkout": "(shop)/(query-client)/checkout/page", "/orders": "(shop)/(query-client)/orders/(list)/page" } as const;

type Sizes = Record<string, number>;

/** The chunks a route loads first, from the build's own manifests. */
function firstLoadFiles(distDir: string, routePage: string): string[] {
  const build = JSON.parse(readFileSync(path.join(distDir, "build-manifest.json"), "utf8")) as { rootMainFiles: string[] };
  const manifestFile = path.join(distDir, "server/app", `${routePage}_client-reference-manifest.js`);
  const sandbox: { globalThis?: unknown; __RSC_MANIFEST?: Record<string, { entryJSFiles: Record<string, string[]> }> } = {};
  sandbox.globalThis = sandbox;
  vm.runInNewContext(readFileSync(manifestFile, "utf8"), sandbox);
  const entry = Object.values(sandbox.__RSC_MANIFEST ?? {})[0];
  if (!entry) throw new Error(`no client reference manifest entry in ${manifestFile}`);
  return [...new Set([...build.rootMainFiles, ...Object.values(entry.entryJSFiles).flat()])];
}

function gzipKiB(distDir: string, files: string[]): number {
  const bytes = files.reduce((sum, file) => sum + gzipSync(readFileSync(path.join(distDir, file)), { level: 9 }).length, 0);
  return Math.round((bytes / 1024) * 10) / 10;
}

export function measureRoutes(distDir: string): Sizes {
  return Object.fromEntries(Object.entries(MEASURED_ROUTES).map(([route, page]) => [route, gzipKiB(distDir, firstLoadFiles(distDir, page))]));
}

/** Builds a bare App Router app next to ours and measures its `/`. */
export function measureBareApp(projectRoot: string): number {
  const dir = mkdtempSync(path.join(projectRoot, ".next-bare-"));
  try {
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "bare", private: true, type: "module" }));
    writeFileSync(path.join(dir, "next.config.mjs"), "export default {};\n");
    execFileSync("mkdir", ["-p", path.join(dir, "app")]);
    writeFileSync(path.join(dir, "app/layout.tsx"), 'export default function Layout({ children }: { children: React.ReactNode }) { return <html lang="en"><body>{children}</body></html>; }\n');
    writeFileSync(path.join(dir, "app/page.tsx"), "export default function Page() { return <main><h1>Hello</h1></main>; }\n");
    const { NEXT_DIST_DIR: _ignored, ...env } = process.env;
    execFileSync(path.join(projectRoot, "node_modules/.bin/next"), ["build"], { cwd: dir, stdio: "ignore", env: { ...env, NEXT_TELEMETRY_DISABLED: "1" } });
    return gzipKiB(path.join(dir, ".next"), firstLoadFiles(path.join(dir, ".next"), "page"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export type BundleReport = { unit: "KiB gzip"; bare_next: number; routes: Sizes; catalog_vs_bare: number };

export function measureBundleSizes(distDir = process.env.NEXT_DIST_DIR ?? ".next", log: (line: string) => void = console.log): BundleReport {
  if (!existsSync(path.join(distDir, "build-manifest.json")) || readdirSync(path.join(distDir, "server/app")).length === 0) {
    throw new Error(`no production build in ${distDir}/; run npm run build first`);
  }
  const routes = measureRoutes(distDir);
  log("first-load JS (gzip): building a bare Next.js app of the same version for comparison…");
  const bare = measureBareApp(process.cwd());
  const ratio = Math.round((routes["/"]! / bare) * 100) / 100;
  log(`  bare Next.js app /   ${bare} KiB`);
  for (const [route, kib] of Object.entries(routes)) log(`  ${route.padEnd(20)} ${kib} KiB (${Math.round((kib / bare) * 100) / 100} × bare)`);
  return { unit: "KiB gzip", bare_next: bare, routes, catalog_vs_bare: ratio };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(measureBundleSizes(undefined, (line) => console.log(`[bench] ${line}`))));
}
