/**
 * Runs the npm scripts named on the command line at the same time and fails if any of them
 * fails; `npm test` runs it twice (docs/decisions/051).
 *
 * 1. The browser install, the unit tests and the build: none needs another's result (the
 *    build skips its own type check because `typecheck` runs later in the same `npm test`,
 *    and a failure of either fails it).
 * 2. The browser suite with the type check and lint beside it. The suite leaves a quarter of
 *    the machine idle while its tests wait on retries, slow providers and restarts, and those
 *    two need neither Postgres nor the build. The unit tests stay in the first step: they
 *    open Postgres connections that the suite's three stacks budget for themselves (decision 050).
 *
 * Each output line is prefixed with its script's name, so interleaved lines still say where
 * they came from.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

function runScript(name: string): Promise<number> {
  const started = performance.now();
  const child = spawn("npm", ["run", name], { stdio: ["ignore", "pipe", "pipe"] });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => console.log(`[${name}] ${line}`));
  }
  return new Promise((resolve) =>
    child.on("close", (code) => {
      // Which script the step waits for, when it is the one to make shorter.
      console.log(`[${name}] ${code === 0 ? "done" : `failed (${code})`} after ${((performance.now() - started) / 1000).toFixed(1)} s`);
      resolve(code ?? 1);
    }),
  );
}

const names = process.argv.slice(2);
const codes = await Promise.all(names.map(runScript));
const failed = names.filter((_, i) => codes[i] !== 0);
if (failed.length > 0) {
  console.error(`failed: ${failed.join(", ")}`);
  process.exit(1);
}
