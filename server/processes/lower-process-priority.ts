import "server-only";
/**
 * Background processes (workers, simulated third parties) yield the CPU to the synchronous
 * path: on a shared machine the kernel then runs the web server's intake first and the
 * pipeline in the time left over (decision 020). Their entry points run with
 * `--conditions=react-server`, under which `server-only` is empty.
 */
import { readdirSync } from "node:fs";
import os from "node:os";
import { loggerFor } from "@/server/logging/logger";

const log = loggerFor("process");

/**
 * Raises this process's nice value to `nice` (0 = leave it alone, 19 = lowest priority).
 * Linux keeps a nice value per thread, and threads started later inherit it from the thread
 * that starts them, so every thread that exists already (V8's, libuv's) is reniced too.
 * Lowering priority needs no privilege; failing to (another OS, a sandbox) is only reported.
 */
export function lowerProcessPriority(nice: number, role: string): void {
  if (nice <= 0) return;
  try {
    os.setPriority(0, nice);
    for (const tid of threadIds()) os.setPriority(tid, nice);
  } catch (err) {
    log.warn({ err, nice }, `${role}: could not lower the process priority`);
  }
}

function threadIds(): number[] {
  try {
    return readdirSync("/proc/self/task").map(Number).filter((tid) => tid !== process.pid);
  } catch {
    return []; // no /proc: only the calling thread, which os.setPriority(0) covered
  }
}
