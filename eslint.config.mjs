import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const NO_JOBS_IMPORT = {
  group: ["@/jobs/*", "@/jobs", "**/jobs/*"],
  message:
    "server/ must not import jobs/: report an outcome through StepQueue (server/pipeline/step-queue.ts), read or steer jobs through PipelineJobs (server/pipeline/pipeline-jobs.ts).",
};

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      // `_`-prefixed names are deliberately unused (destructured away).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // One step is one file: domain services do a step and report its outcome through the
    // StepQueue port (server/pipeline/step-queue.ts), and the operator tooling (admin, lab,
    // test controls) reads and steers jobs through the PipelineJobs port
    // (server/pipeline/pipeline-jobs.ts); jobs/ is the pg-boss adapter that depends on
    // server/, never the reverse — for every file of server/, its tests included (decision 031).
    // server/lint-boundary.test.ts keeps this rule from disappearing unnoticed.
    files: ["server/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [NO_JOBS_IMPORT] }] },
  },
  {
    // Nor does server/ code need pg-boss: what it uses of the job system is a port. Only its
    // tests may read pg-boss's tables through the test database's pg-boss.
    files: ["server/**"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [NO_JOBS_IMPORT], paths: [{ name: "pg-boss", message: "server/ must not depend on pg-boss: use StepQueue or PipelineJobs (server/pipeline/)." }] },
      ],
    },
  },
  {
    // Tests are not React: their `use…` helpers register test hooks, and response bodies
    // are untyped JSON on purpose (the tests check the contract's shape themselves).
    files: ["e2e/**", "tests/**", "examples/**", "**/*.test.ts"],
    rules: { "react-hooks/rules-of-hooks": "off", "@typescript-eslint/no-explicit-any": "off" },
  },
  globalIgnores([".next/**", ".next-*/**", ".data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"]),
]);
