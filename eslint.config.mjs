import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

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
    // StepQueue port (server/pipeline/step-queue.ts); jobs/ is the pg-boss adapter that
    // depends on server/, never the reverse.
    files: ["server/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@/jobs/*", "@/jobs", "**/jobs/*"], message: "server/ must not import jobs/: report an outcome through StepQueue (server/pipeline/step-queue.ts)." }] },
      ],
    },
  },
  {
    // The admin dashboard, the lab and the test controls are operator tooling over the pg-boss
    // adapter itself (queue depths, job attempts, dead letters, lab runs as jobs, settling and
    // resetting the queues): they read and steer jobs/, they are not pipeline steps. The
    // pipeline's domain services above still may not.
    files: ["server/admin/**", "server/lab/**", "server/test-controls/**", "server/trpc/routers/admin.ts"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    // Tests are not React: their `use…` helpers register test hooks, and response bodies
    // are untyped JSON on purpose (the tests check the contract's shape themselves).
    files: ["e2e/**", "tests/**", "examples/**", "**/*.test.ts"],
    rules: { "react-hooks/rules-of-hooks": "off", "@typescript-eslint/no-explicit-any": "off" },
  },
  globalIgnores([".next/**", ".next-*/**", ".data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"]),
]);
