import "server-only";
import { sql } from "drizzle-orm";
import type { Database } from "@/server/db/client";

export type InventoryRow = {
  sku: string;
  name: string;
  stock: number;
  /** Back-ordered orders waiting for this SKU, oldest first (the order a restock resumes them in). */
  backorders: { orderId: string; quantity: number; createdAt: string }[];
};

export async function listInventory(db: Database): Promise<InventoryRow[]> {
  const [{ rows: products }, { rows: waiting }] = await Promise.all([
    db.execute<{ sku: string; name: string; stock: number }>(sql`SELECT sku, name, stock FROM products ORDER BY sku`),
    // The back-order partial index keeps this to the orders actually waiting.
    db.execute<{ sku: string; order_id: string; quantity: number; created_at: string }>(sql`
      SELECT l.sku, o.id AS order_id, l.quantity, o.created_at
        FROM orders o JOIN order_lines l ON l.order_id = o.id
       WHERE o.status = 'backordered'
       ORDER BY o.seq`),
  ]);
  return products.map((p) => ({
    ...p,
    backorders: waiting.filter((w) => w.sku === p.sku).map((w) => ({ orderId: w.order_id, quantity: w.quantity, createdAt: new Date(w.created_at).toISOString() })),
  }));
}
