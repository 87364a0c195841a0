import { and, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import type { Database } from "@/server/db/client";
import * as schema from "@/server/db/schema";
import { describe, expect, it } from "vitest";
import { orderEvents, orders } from "@/server/db/schema";
import { useServiceDatabase } from "@/tests/support/service-database";
import { placeOrder } from "./place-order";
import { transitionOrder, type AlongsideMoved } from "./order-state-machine";

const svc = useServiceDatabase();

async function newOrder(): Promise<string> {
  const { db, queue, newShopperId } = svc();
  const placed = await placeOrder(db, queue, { shopperId: await newShopperId(), body: { items: [{ sku: "GADGET-7", quantity: 1 }], payment_method: "pm_visa_4242" } });
  return placed.orderId;
}

/**
 * A database handle on its own one-connection pool whose statements are recorded (BEGIN and
 * COMMIT included): the round trips a service function costs.
 */
async function withStatementLog<T>(run: (db: Database) => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const statements: string[] = [];
  const pool = new pg.Pool({ connectionString: svc().url, max: 1 });
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      const text = typeof args[0] === "string" ? args[0] : (args[0] as { text?: string }).text;
      if (text) statements.push(text.trim().split(/\s+/)[0]!.toLowerCase());
      return query(...args);
    }) as typeof client.query;
  });
  try {
    return { result: await run(drizzle(pool, { schema })), statements };
  } finally {
    await pool.end();
  }
}

const eventsOf = async (orderId: string) => (await svc().db.select().from(orderEvents).where(eq(orderEvents.orderId, orderId))).map((e) => e.status);

describe("transitionOrder", () => {
  it("moves the order and appends its event in one statement", async () => {
    const { db } = svc();
    const orderId = await newOrder();
    const { result, statements } = await withStatementLog((logged) =>
      logged.transaction((tx) => transitionOrder(tx, orderId, "payment_processing", { set: { paymentState: "processing" }, detail: { charge_id: "ch_1" } })),
    );
    expect(result?.status).toBe("payment_processing");
    expect(result?.paymentState).toBe("processing");
    expect(result?.id).toBe(orderId);
    expect(result?.createdAt).toBeInstanceOf(Date);
    expect(statements).toEqual(["begin", "with", "commit"]);
    expect(await eventsOf(orderId)).toEqual(["pending", "payment_processing"]);
    const [event] = await db.select().from(orderEvents).where(and(eq(orderEvents.orderId, orderId), eq(orderEvents.status, "payment_processing")));
    expect(event?.detail).toEqual({ charge_id: "ch_1" });
  });

  it("changes nothing and appends no event when the move is not allowed", async () => {
    const { db } = svc();
    const orderId = await newOrder();
    const moved = await db.transaction((tx) => transitionOrder(tx, orderId, "shipped", { set: { tracking: "1Z" } }));
    expect(moved).toBeNull();
    const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
    expect(order?.status).toBe("pending");
    expect(order?.tracking).toBeNull();
    expect(await eventsOf(orderId)).toEqual(["pending"]);
  });

  it("makes a write alongside in the same statement: with the move, and not without it", async () => {
    const { db } = svc();
    const orderId = await newOrder();
    const detail = { noted: "alongside" };
    // The move's own values are the write's too (here `orderId`); its own come in `values`.
    const alongside = {
      name: "test-note",
      write: (moved: AlongsideMoved) =>
        sql`INSERT INTO ${orderEvents} (id, order_id, status, detail) SELECT ${sql.placeholder("noteId")}, ${moved.id}, 'pending', ${sql.placeholder("note")}::jsonb FROM ${moved}`,
    };
    const { result, statements } = await withStatementLog((logged) =>
      transitionOrder(logged, orderId, "payment_processing", { alongside: { ...alongside, values: { noteId: "evt_alongside_1", note: JSON.stringify(detail) } } }),
    );
    expect(result?.status).toBe("payment_processing");
    expect(statements).toEqual(["with"]);
    const notes = () => db.select().from(orderEvents).where(and(eq(orderEvents.orderId, orderId), eq(orderEvents.status, "pending")));
    expect((await notes()).map((e) => e.detail)).toEqual([{}, detail]);

    // Not allowed (already past it): no move, no event, and no write alongside either.
    const again = await transitionOrder(db, orderId, "payment_processing", { alongside: { ...alongside, values: { noteId: "evt_alongside_2", note: "{}" } } });
    expect(again).toBeNull();
    expect(await notes()).toHaveLength(2);
    expect((await eventsOf(orderId)).sort()).toEqual(["payment_processing", "pending", "pending"]);
  });
});
