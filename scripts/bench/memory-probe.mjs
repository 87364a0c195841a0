// Preloaded into the benchmark's app processes (NODE_OPTIONS=--expose-gc --import …): on
// SIGUSR2 a process collects garbage and writes its memory use to
// $BENCH_PROBE_DIR/memory-<pid>.json, so the benchmark can read the web process's memory
// per open SSE stream after GC instead of guessing from a noisy RSS. Plain JavaScript: it
// loads before any TypeScript loader. The app itself never sees it.
import { renameSync, writeFileSync } from "node:fs";
import path from "node:path";

const dir = process.env.BENCH_PROBE_DIR;
if (dir) {
  process.on("SIGUSR2", () => {
    // Twice: the first pass can leave garbage that only weak references were keeping.
    globalThis.gc?.();
    globalThis.gc?.();
    const usage = process.memoryUsage();
    const file = path.join(dir, `memory-${process.pid}.json`);
    // Written under another name first, so a reader never sees half a file.
    writeFileSync(`${file}.tmp`, JSON.stringify({ ...usage, gc: typeof globalThis.gc === "function", at: Date.now() }));
    renameSync(`${file}.tmp`, file);
  });
}
