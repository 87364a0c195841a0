/**
 * The boundary between server/ and jobs/ is an ESLint rule (eslint.config.mjs): this keeps it
 * from disappearing or narrowing unnoticed, by linting small in-memory files of server/ with
 * the project's own configuration.
 */
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: process.cwd() });
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("server/ may not import jobs/", () => {
  it("an import of @/jobs/… from any file of server/, a test included, is a lint error", async () => {
    const code = 'import { QUEUED_STEPS } from "@/jobs/queues";\nexport const steps = QUEUED_STEPS;\n';
    for (const file of ["server/x.ts", "server/admin/x.ts", "server/test-controls/x.test.ts"]) {
      const errors = await restrictedImports(file, code);
      expect(errors, file).toHaveLength(1);
      expect(errors[0]).toContain("server/ must not import jobs/");
    }
  });

  it("server/ code may not import pg-boss either; the port's own file may import the step table", async () => {
    expect(await restrictedImports("server/x.ts", 'import type { PgBoss } from "pg-boss";\nexport type B = PgBoss;\n')).toHaveLength(1);
    expect(await restrictedImports("server/x.ts", 'import { QUEUED_STEPS } from "@/server/pipeline/steps";\nexport const steps = QUEUED_STEPS;\n')).toEqual([]);
  });
});
