import "server-only";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import { env } from "@/server/env";
import * as schema from "./schema";
import { loggerFor } from "@/server/logging/logger";
import { NamedStatementClient } from "./named-statements";

const log = loggerFor("db");

export type Database = NodePgDatabase<typeof schema>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Service functions take either, so the same code runs alone or inside a caller's transaction. */
export type DbOrTx = Database | Transaction;

export type Handles = { pool: pg.Pool; db: Database };

/**
 * drizzle-orm 0.45's node-postgres `transaction()` sends BEGIN before the try/finally that
 * releases its client, so a BEGIN that fails because the connection just died never gives the
 * client back. A few cut connections would empty the pool and leave every request waiting
 * for a connection forever. This pool releases (and so discards) a client whose BEGIN failed.
 */
class TransactionSafePool extends pg.Pool {
  // Promise form only: that is drizzle's; pool.query() checks out with a callback.
  override connect(): Promise<pg.PoolClient>;
  override connect(callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): Promise<pg.PoolClient> | void {
    if (callback) return super.connect(callback);
    return super.connect().then((client) => {
      const query = client.query;
      // Only the checkout's first statement is watched; the client's own query is restored at once.
      client.query = function (this: pg.PoolClient, ...args: unknown[]) {
        client.query = query;
        const result = (query as (...a: unknown[]) => unknown).apply(client, args);
        const text = typeof args[0] === "string" ? args[0] : (args[0] as { text?: unknown } | undefined)?.text;
        if (!(result instanceof Promise) || typeof text !== "string" || !/^\s*begin\b/i.test(text)) return result;
        return result.catch((err: Error) => {
          client.release(err);
          throw err;
        });
      } as typeof client.query;
      return client;
    });
  }
}

export type DatabaseOptions = {
  /**
   * Commit without waiting for the WAL flush (`synchronous_commit = off`, decision 048): a
   * commit is visible at once and survives any process crash, but a crash of Postgres itself
   * may lose the last fraction of a second of such commits. Only for the simulated third
   * parties, whose records stand in for someone else's system; Conveyor's own writes (orders,
   * money, jobs) always wait for the flush.
   */
  asyncCommit?: boolean;
};

/**
 * How every pool of ours (and pg-boss's, jobs/boss.ts) treats an idle connection: kept for five
 * minutes instead of pg's 10 s. A new connection costs Postgres a backend start and cold caches,
 * and loses the named statements of decision 036 that the old one had prepared; with 10 s, a
 * shop whose orders come more than 10 s apart paid that on almost every order (decision 056:
 * 67–71 new connections for 24 orders placed three at a time 12 s apart, Postgres CPU 4.9–5.2 s,
 * against 7 connections and 2.0–2.1 s). A pool never holds more than its `max`, so the
 * connection budgets (docs/scaling.md, decision 050) are unchanged. Idle connections do not keep
 * a script's process alive (`allowExitOnIdle`).
 */
export const IDLE_CONNECTIONS: Pick<pg.PoolConfig, "idleTimeoutMillis" | "allowExitOnIdle"> = {
  idleTimeoutMillis: 5 * 60_000,
  allowExitOnIdle: true,
};

export function createDatabase(url: string, max = env().DB_POOL_MAX, { asyncCommit = false }: DatabaseOptions = {}): Handles {
  // Repeated statements go out named, so Postgres stops parsing and planning them (decision 036).
  const pool = new TransactionSafePool({
    connectionString: url,
    max,
    ...IDLE_CONNECTIONS,
    application_name: process.env.PROCESS_ROLE ?? "conveyor",
    Client: NamedStatementClient,
    ...(asyncCommit ? { options: "-c synchronous_commit=off" } : {}),
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on("error", (err) => log.error({ err }, "idle client error"));
  // The pool listens only to idle clients. One checked out (inside a transaction, between two
  // statements) whose connection dies would emit an unhandled `error` and kill the process;
  // its next query fails anyway ("Client has encountered a connection error"), which is where
  // the failure is handled, so this listener only has to exist.
  pool.on("connect", (client) => client.on("error", () => {}));
  return { pool, db: drizzle(pool, { schema }) };
}
