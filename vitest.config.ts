import { availableParallelism } from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // Tests are server code: `server-only` guards against browser bundles, not against us.
      "server-only": path.resolve(import.meta.dirname, "tests/support/empty-module.ts"),
    },
  },
  test: {
    include: ["{lib,server,jobs,simulators,scripts,web}/**/*.test.ts"],
    globalSetup: ["tests/support/vitest-global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // The files wait on Postgres, timers and the processes they start more than they compute:
    // on the 2-core machine vitest's default (one fork per core) left it half idle. Four forks
    // took `vitest run` from 78 s to 50 s there; six were no faster.
    maxWorkers: Math.max(4, availableParallelism()),
    // Each test file's process imports drizzle-orm; the hook takes about 0.8 s of CPU off
    // that (scripts/drizzle-resolve-hook.mjs says why).
    execArgv: ["--import", path.resolve(import.meta.dirname, "scripts/drizzle-resolve-hook.mjs")],
  },
});
