// Preloaded into the benchmark's app processes (NODE_OPTIONS=--expose-gc --import …): on
// SIGUSR2 a process collects garbage and writes its memory use to
// $BENCH_PROBE_DIR/memory-<pid>.json, so the benchmark can read the web process's memory
// per open SSE stream after GC instead of guessing from a noisy RSS. Plain JavaScript: it
// loads before any TypeScript loader. The app itself never sees it.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { writeHeapSnapshot } from "node:v8";

const dir = process.env.BENCH_PROBE_DIR;
const snapshotDir = process.env.BENCH_HEAP_SNAPSHOTS;
let snapshots = 0;
if (dir) {
  process.on("SIGUSR2", () => {
    // Twice: the first pass can leave garbage that only weak references were keeping.
    globalThis.gc?.();
    globalThis.gc?.();
    const usage = { ...process.memoryUsage(), ...residentParts() };
    const file = path.join(dir, `memory-${process.pid}.json`);
    // Written under another name first, so a reader never sees half a file.
    writeFileSync(`${file}.tmp`, JSON.stringify({ ...usage, gc: typeof globalThis.gc === "function", at: Date.now() }));
    renameSync(`${file}.tmp`, file);
    // BENCH_HEAP_SNAPSHOTS=<dir>: the web process also writes a heap snapshot at each probe, to
    // see what an open stream keeps alive (scripts/bench/heap-snapshot-diff.mjs compares two).
    // After the report, which the bench waits for ten seconds at most; the snapshot takes
    // seconds with the event loop stopped (nothing changes meanwhile), so timings suffer.
    if (snapshotDir && process.env.PROCESS_ROLE === "web") writeHeapSnapshot(path.join(snapshotDir, `web-${++snapshots}.heapsnapshot`));
  });
}

/**
 * RSS split as the kernel counts it (/proc/self/status, bytes): anonymous pages (V8's heap,
 * malloc, stacks — memory the process owns) and file-backed ones (the node binary's and the
 * libraries' code paged in, shared and clean: it grows as new code paths first run, not with
 * the number of streams).
 */
function residentParts() {
  const status = readFileSync("/proc/self/status", "utf8");
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
  return { rssAnon: kb("RssAnon"), rssFile: kb("RssFile") };
}
