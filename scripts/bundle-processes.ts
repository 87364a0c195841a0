/**
 * `npm run build`'s second step (decision 044): bundles the entry points of Conveyor's Node
 * processes — the web server, the worker, the simulators — into `<distDir>/conveyor/`, beside
 * the Next build they serve, so `npm start`, the end-to-end stacks and the benchmark start them
 * as plain JavaScript. Through tsx a stack's three processes spent about 7.5 s of CPU getting
 * ready (transforming and resolving ~300 files each time); bundled, about 3.7 s.
 *
 * - Packages stay external (`node_modules` as they are): only our own code is bundled, so a
 *   library loads exactly as it does under tsx, with the react-server condition.
 * - Code splitting keeps the web server's entry free of static imports: it sets NODE_ENV
 *   before its first `await import`, and Next and React read it when they load.
 * - The Next build's BUILD_ID is copied beside the bundles: scripts/processes.ts refuses to
 *   start bundles that came from another build than the pages they would serve.
 */
import { build } from "esbuild";
import { copyFileSync, rmSync } from "node:fs";
import path from "node:path";
import { nextDistDir, PROCESS_ENTRIES, processBundleDir } from "./processes";

const ROOT = path.resolve(import.meta.dirname, "..");
const outdir = processBundleDir();
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: ROOT,
  entryPoints: Object.entries(PROCESS_ENTRIES).map(([out, source]) => ({ in: source, out })),
  outdir,
  outExtension: { ".js": ".mjs" },
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22",
  packages: "external",
  conditions: ["react-server"],
  tsconfig: path.join(ROOT, "tsconfig.json"),
  // Stack traces name our source files and lines (the processes run with --enable-source-maps).
  sourcemap: "linked",
  sourcesContent: false,
  logLevel: "warning",
});
copyFileSync(path.join(nextDistDir(), "BUILD_ID"), path.join(outdir, "BUILD_ID"));
console.log(`[build] the web server, worker and simulators bundled into ${path.relative(ROOT, outdir)}/`);
