import { globSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { configDefaults, defineConfig } from "vitest/config";

const TEST_FILES = "{lib,server,jobs,simulators,scripts,web}/**/*.test.ts";

// Files that change what every later import sees get their own module graph: a vi.mock must
// be in place before anything imports the real module, installTracing registers
// OpenTelemetry's process-wide tracer provider (the next file's spans would follow its
// sampler), and stubbed globals or environment variables would outlive the file. Found by
// reading the files, so that a new file doing one of these is not left among the shared.
const GLOBAL_STATE_CHANGE = /\bvi\.(?:mock|doMock|stubGlobal|stubEnv)\(|\binstallTracing\(|process\.env\.\w+ =/;
const ISOLATED_FILES = globSync(TEST_FILES, { cwd: import.meta.dirname }).filter((file) =>
  GLOBAL_STATE_CHANGE.test(readFileSync(path.join(import.meta.dirname, file), "utf8")),
);

// What every file gets, in either project. The projects do not extend the root config: each
// would run the root's global setup once more (three runs of it, each importing the server).
const resolve = {
  alias: {
    "@": path.resolve(import.meta.dirname),
    // Tests are server code: `server-only` guards against browser bundles, not against us.
    "server-only": path.resolve(import.meta.dirname, "tests/support/empty-module.ts"),
  },
};
const everyFile: { testTimeout: number; hookTimeout: number; pool: "forks"; execArgv: string[] } = {
  testTimeout: 30_000,
  hookTimeout: 60_000,
  pool: "forks",
  // Each test file's process imports drizzle-orm; the hook takes about 0.8 s of CPU off
  // that (scripts/drizzle-resolve-hook.mjs says why).
  execArgv: ["--import", path.resolve(import.meta.dirname, "scripts/drizzle-resolve-hook.mjs")],
};

export default defineConfig({
  resolve,
  test: {
    // Once for both projects: picks the test Postgres and builds the template database.
    globalSetup: ["tests/support/vitest-global-setup.ts"],
    // The files wait on Postgres, timers and the processes they start more than they compute:
    // on the 2-core machine vitest's default (one fork per core) left it half idle. Four forks
    // took `vitest run` from 78 s to 50 s there; six were no faster.
    maxWorkers: Math.max(4, availableParallelism()),
    projects: [
      // The files share each fork's module graph: importing the server's modules (drizzle,
      // pg-boss, better-auth…) once per fork instead of once per file halved the CPU of
      // `vitest run` (102 → 54 s on the 2-core machine) and its wall time (74 → 47 s).
      // Each file still has its own database (tests/support/test-postgres.ts).
      { resolve, test: { ...everyFile, name: "shared", include: [TEST_FILES], exclude: [...configDefaults.exclude, ...ISOLATED_FILES], isolate: false } },
      { resolve, test: { ...everyFile, name: "isolated", include: ISOLATED_FILES } },
    ],
  },
});
