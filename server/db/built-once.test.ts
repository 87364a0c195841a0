import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { useServiceDatabase } from "@/tests/support/service-database";
import { builtOnce, builtOncePerShape } from "./built-once";
import { createDatabase } from "./client";
import { namedStatementFor } from "./named-statements";
import { products } from "./schema";

const svc = useServiceDatabase();

const productBySku = builtOnce<{ sku: string }, { sku: string; stock: number }[]>((db) =>
  db.select({ sku: products.sku, stock: products.stock }).from(products).where(eq(products.sku, sql.placeholder("sku"))),
);

const setStock = builtOncePerShape<"absolute" | "relative", { sku: string; stock: number }, { sku: string; stock: number }[]>((shape) => shape, (db, shape) =>
  db
    .update(products)
    .set({ stock: shape === "absolute" ? sql`${sql.placeholder("stock")}` : sql`${products.stock} + ${sql.placeholder("stock")}` })
    .where(eq(products.sku, sql.placeholder("sku")))
    .returning({ sku: products.sku, stock: products.stock }),
);

describe("statements built once (decision 046)", () => {
  it("runs on the pool, with each call's own values, and maps rows like drizzle does", async () => {
    const { db, pool } = createDatabase(svc().url, 1);
    try {
      const [first, second] = (await pool.query<{ sku: string; stock: number }>("SELECT sku, stock FROM products ORDER BY sku LIMIT 2")).rows;
      expect(await productBySku(db, { sku: first!.sku })).toEqual([first]);
      expect(await productBySku(db, { sku: second!.sku })).toEqual([second]);
      expect(await productBySku(db, { sku: "NO-SUCH-SKU" })).toEqual([]);
    } finally {
      await pool.end();
    }
  });

  it("runs inside the transaction it is handed: a rolled-back write is gone, a committed one stays", async () => {
    const { db, pool } = createDatabase(svc().url, 2);
    try {
      const { sku, stock } = (await pool.query<{ sku: string; stock: number }>("SELECT sku, stock FROM products ORDER BY sku LIMIT 1")).rows[0]!;
      await expect(
        db.transaction(async (tx) => {
          expect(await setStock(tx, "absolute", { sku, stock: 12_345 })).toEqual([{ sku, stock: 12_345 }]);
          // Another connection does not see the uncommitted write: the statement ran on the transaction's.
          expect(await productBySku(db, { sku })).toEqual([{ sku, stock }]);
          throw new Error("roll back");
        }),
      ).rejects.toThrow("roll back");
      expect(await productBySku(db, { sku })).toEqual([{ sku, stock }]);

      await db.transaction(async (tx) => {
        await setStock(tx, "relative", { sku, stock: 2 });
      });
      expect(await productBySku(db, { sku })).toEqual([{ sku, stock: stock + 2 }]);
      await setStock(db, "absolute", { sku, stock });
    } finally {
      await pool.end();
    }
  });

  it("goes out named by its text, as every repeated statement does (decision 036)", async () => {
    const { db, pool } = createDatabase(svc().url, 1);
    try {
      await productBySku(db, { sku: "NO-SUCH-SKU" });
      const { rows } = await pool.query<{ name: string; statement: string }>("SELECT name, statement FROM pg_prepared_statements");
      const named = rows.find((row) => row.statement.includes(`"products"."sku" = $1`) && !row.statement.includes("update"));
      expect(named?.name).toBe(namedStatementFor(named!.statement));
    } finally {
      await pool.end();
    }
  });
});
