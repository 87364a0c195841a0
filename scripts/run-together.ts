/**
 * `npm test`'s first step: runs the npm scripts named on the command line at the same time
 * and fails if any of them fails. None of type checking, linting, the browser install, the
 * unit tests and the build needs another's result (the build skips its own type check because
 * `typecheck` runs beside it, and a failure of either fails the step), and none keeps both
 * cores busy alone: the unit tests wait on Postgres, the install on the network. On the
 * 2-core machine the five took 85 s side by side against about 105 s one after another. Each
 * output line is prefixed with its script's name, so interleaved lines still say where they
 * came from.
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
