import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** Runs lowerProcessPriority(nice) in a fresh Node process (started like the entry points, so `server-only` is empty) and returns the nice value of each of its threads. */
function threadNiceValuesAfter(nice: number): number[] {
  const script = `
    import { readdirSync, readFileSync } from "node:fs";
    import { lowerProcessPriority } from "./server/processes/lower-process-priority.ts";
    lowerProcessPriority(${nice}, "test");
    // Field 19 of /proc/<pid>/task/<tid>/stat is the nice value; the name (field 2) may contain spaces.
    const nices = readdirSync("/proc/self/task").map((tid) => {
      const stat = readFileSync("/proc/self/task/" + tid + "/stat", "utf8");
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
    });
    console.log(JSON.stringify(nices));`;
  const out = execFileSync(process.execPath, ["--conditions=react-server", "--import", "tsx", "--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8" });
  return JSON.parse(out) as number[];
}

describe.runIf(process.platform === "linux")("lowerProcessPriority", () => {
  it("renices every thread of the process, not only the main one", () => {
    const nices = threadNiceValuesAfter(7);
    expect(nices.length).toBeGreaterThan(1);
    expect(new Set(nices)).toEqual(new Set([7]));
  });

  it("leaves the priority alone at 0 (the child keeps the nice value it inherited from us)", () => {
    expect(new Set(threadNiceValuesAfter(0))).toEqual(new Set([os.getPriority()]));
  });
});
