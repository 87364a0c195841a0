import pg from "pg";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { useServiceDatabase } from "@/tests/support/service-database";
import { createDatabase } from "./client";
import { PgBossNamedStatementClient } from "./named-statements";

const svc = useServiceDatabase();

/** The statements this connection has prepared (pg_prepared_statements is per session). */
async function prepared(db: ReturnType<typeof createDatabase>["db"]): Promise<string[]> {
  const { rows } = await db.execute<{ statement: string }>(sql`SELECT statement FROM pg_prepared_statements ORDER BY statement`);
  return rows.map((r) => r.statement);
}

describe("named statements (decision 036)", () => {
  it("prepares a parameterised text from its second use on, and answers the same either way", async () => {
    const { db, pool } = createDatabase(svc().url, 1);
    try {
      const lookup = (sku: string) => db.execute<{ sku: string }>(sql`SELECT sku FROM products WHERE sku = ${sku} /* named-statements test */`);
      const sku = (await pool.query<{ sku: string }>("SELECT sku FROM products ORDER BY sku LIMIT 1")).rows[0]!.sku;
      expect((await lookup(sku)).rows).toEqual([{ sku }]);
      expect((await prepared(db)).some((s) => s.includes("named-statements test"))).toBe(false);
      expect((await lookup(sku)).rows).toEqual([{ sku }]);
      expect((await lookup("NO-SUCH-SKU")).rows).toEqual([]);
      expect((await prepared(db)).filter((s) => s.includes("named-statements test"))).toHaveLength(1);
      // pg-boss's form: pool.query(text, values).
      const text = "SELECT $1::int + 1 AS n /* named-statements pool form */";
      for (const n of [1, 2, 3]) expect((await pool.query<{ n: number }>(text, [n])).rows).toEqual([{ n: n + 1 }]);
      expect((await prepared(db)).filter((s) => s.includes("named-statements pool form"))).toHaveLength(1);
    } finally {
      await pool.end();
    }
  });

  it("leaves statements without parameters unnamed (several statements in one text still work)", async () => {
    const { pool } = createDatabase(svc().url, 1);
    try {
      for (let i = 0; i < 3; i++) await pool.query("SELECT 1; SELECT 2 /* named-statements multi */");
      const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE '%named-statements multi%'");
      expect(rows[0]!.n).toBe(0);
    } finally {
      await pool.end();
    }
  });

  it("a named text that fails keeps failing with its own error, and the connection stays usable", async () => {
    const { pool } = createDatabase(svc().url, 1);
    try {
      for (let i = 0; i < 3; i++) await expect(pool.query("SELECT 1 / $1::int AS n /* named-statements failing */", [0])).rejects.toThrow(/division by zero/);
      for (let i = 0; i < 3; i++) await expect(pool.query("SELECT nope FROM $1 /* named-statements bad syntax */", [0])).rejects.toThrow(/syntax error/);
      expect((await pool.query<{ n: number }>("SELECT 1 / $1::int AS n /* named-statements failing */", [1])).rows).toEqual([{ n: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it("pg-boss's pool names its statements, but not the ones on a list of job ids (decision 047)", async () => {
    const pool = new pg.Pool({ connectionString: svc().url, max: 1, Client: PgBossNamedStatementClient });
    try {
      const byIds = "SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND id = ANY($2::uuid[]) /* named-statements by ids */";
      const byName = "SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 /* named-statements by name */";
      for (let i = 0; i < 3; i++) {
        await pool.query(byIds, ["createShipment", []]);
        await pool.query(byName, ["createShipment"]);
      }
      const { rows } = await pool.query<{ statement: string }>("SELECT statement FROM pg_prepared_statements");
      expect(rows.filter((r) => r.statement.includes("named-statements by name"))).toHaveLength(1);
      expect(rows.filter((r) => r.statement.includes("named-statements by ids"))).toHaveLength(0);
    } finally {
      await pool.end();
    }
  });
});

