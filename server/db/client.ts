import "server-only";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import { databaseUrl, env } from "@/server/env";
import * as schema from "./schema";

export type Database = NodePgDatabase<typeof schema>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Service functions take either, so the same code runs alone or inside a caller's transaction. */
export type DbOrTx = Database | Transaction;

type Handles = { pool: pg.Pool; db: Database };

// One pool per process, kept on globalThis so Next's dev reloads do not leak connections.
const globalForDb = globalThis as unknown as { conveyorDb?: Handles };

export function createDatabase(url: string, max = env().DB_POOL_MAX): Handles {
  const pool = new pg.Pool({ connectionString: url, max, application_name: process.env.PROCESS_ROLE ?? "conveyor" });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on("error", (err) => console.error("[db] idle client error:", err.message));
  // The pool listens only to idle clients. One checked out (inside a transaction, between two
  // statements) whose connection dies would emit an unhandled `error` and kill the process;
  // its next query fails anyway ("Client has encountered a connection error"), which is where
  // the failure is handled, so this listener only has to exist.
  pool.on("connect", (client) => client.on("error", () => {}));
  return { pool, db: drizzle(pool, { schema }) };
}

export function getHandles(): Handles {
  globalForDb.conveyorDb ??= createDatabase(databaseUrl());
  return globalForDb.conveyorDb;
}

export function getDb(): Database {
  return getHandles().db;
}

export function getPool(): pg.Pool {
  return getHandles().pool;
}
