/**
 * `npm test`'s first step: runs the npm scripts named on the command line at the same time
 * and fails if any of them fails. Type checking and linting each keep one core busy and the
 * browser install waits on the network, so on a 2-core machine they overlap instead of
 * queueing (about half a minute off every `npm test`). Each output line is prefixed with its
 * script's name, so interleaved lines still say where they came from.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

function runScript(name: string): Promise<number> {
  const child = spawn("npm", ["run", name], { stdio: ["ignore", "pipe", "pipe"] });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => console.log(`[${name}] ${line}`));
  }
  return new Promise((resolve) => child.on("close", (code) => resolve(code ?? 1)));
}

const names = process.argv.slice(2);
const codes = await Promise.all(names.map(runScript));
const failed = names.filter((_, i) => codes[i] !== 0);
if (failed.length > 0) {
  console.error(`failed: ${failed.join(", ")}`);
  process.exit(1);
}
