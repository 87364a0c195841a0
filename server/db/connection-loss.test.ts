import { sql } from "drizzle-orm";
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "@/server/errors";
import { useServiceDatabase } from "@/tests/support/service-database";
import { createDatabase } from "./client";

const svc = useServiceDatabase();

describe("a connection lost under a transaction", () => {
  it("is 'database unavailable' when the server ends it mid-transaction (57P01, then 'Client has encountered a connection error')", async () => {
    const { db, pool, url } = svc();
    const victim = createDatabase(url, 1);
    let inUse: pg.PoolClient | undefined;
    victim.pool.on("acquire", (client: pg.PoolClient) => (inUse = client));
    try {
      const failure = await victim.db
        .transaction(async (tx) => {
          const { rows } = await tx.execute<{ pid: number }>(sql`SELECT pg_backend_pid() AS pid`);
          const gone = new Promise((resolve) => inUse!.once("error", resolve));
          await pool.query("SELECT pg_terminate_backend($1)", [rows[0]!.pid]);
          // The server's goodbye (57P01) arrives between two statements; the next one meets a dead client.
          await gone;
          await tx.execute(sql`SELECT 1`);
        })
        .catch((err: unknown) => err);
      expect(String((failure as Error).cause)).toMatch(/Client has encountered a connection error/);
      expect(isDatabaseUnavailable(failure)).toBe(true);
      // …and the pool recovers: the next transaction gets a fresh connection.
      await expect(victim.db.transaction(async (tx) => (await tx.execute<{ one: number }>(sql`SELECT 1 AS one`)).rows[0])).resolves.toEqual({ one: 1 });
    } finally {
      await victim.pool.end();
    }
    // A request that is simply wrong is not an outage.
    const duplicate = await db.execute(sql`INSERT INTO products (sku, name, price_cents, stock) SELECT sku, name, price_cents, stock FROM products LIMIT 1`).catch((err: unknown) => err);
    expect(isDatabaseUnavailable(duplicate)).toBe(false);
  });

  it("gives the client back to the pool when BEGIN itself fails, so later transactions do not wait forever", async () => {
    const { url } = svc();
    const { db, pool } = createDatabase(url, 1);
    try {
      let cut = true;
      // The connection dies between checkout and BEGIN (drizzle sends BEGIN outside its try/finally).
      pool.on("acquire", (client: pg.PoolClient) => {
        if (!cut) return;
        cut = false;
        (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      });
      const failure = await db.transaction(async (tx) => tx.execute(sql`SELECT 1`)).catch((err: unknown) => err);
      expect(isDatabaseUnavailable(failure)).toBe(true);
      // With the leak, this would wait for the pool's only connection forever.
      await expect(db.transaction(async (tx) => (await tx.execute<{ one: number }>(sql`SELECT 1 AS one`)).rows[0])).resolves.toEqual({ one: 1 });
    } finally {
      await pool.end();
    }
  });
});
