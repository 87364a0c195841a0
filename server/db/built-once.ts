import { sql, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import type pg from "pg";
import type { Database, DbOrTx } from "./client";
import { namedStatementFor } from "./named-statements";
import * as schema from "./schema";

/**
 * Hot statements built once (decision 046). drizzle builds a query's SQL text anew on every
 * call — on this machine 150 µs for `SELECT … FROM orders … FOR UPDATE` and 560 µs for a
 * transition's CTE, more than Postgres takes to run them — and a pipeline order runs about
 * twenty of them. A statement written with `sql.placeholder(name)` for its values is built the
 * first time it runs, through drizzle's own `prepare()`, and every later call only binds the
 * values and maps the rows (drizzle's own code for both), on the pool or transaction it is
 * handed.
 *
 *   const lock = builtOnce((db) => db.select().from(orders).where(eq(orders.id, sql.placeholder("orderId"))).for("update"));
 *   const [order] = await lock(tx, { orderId });
 *
 * The statement goes out named by its text, as every repeated statement does (decision 036).
 */
export function builtOnce<Values extends Record<string, unknown>, Result>(
  build: (db: Database) => Preparable<Result>,
): (on: DbOrTx, values: Values) => Promise<Result> {
  let prepared: Executable<Result> | undefined;
  return (on, values) => {
    if (!prepared) {
      const query = build(statementBuilder);
      prepared = query.prepare(namedStatementFor(query.toSQL().sql));
    }
    // drizzle's prepared query runs on the client it holds: the same query, on this one.
    const onClient = Object.create(prepared, { client: { value: clientOf(on) } }) as Executable<Result>;
    return onClient.execute(values);
  };
}

/**
 * The same, for a statement whose shape depends on its arguments (which columns an UPDATE
 * sets, say): one built statement per distinct `keyOf(shape)`, at most as many as the caller
 * has shapes. `build` sees the shape the first call of each key brings.
 */
export function builtOncePerShape<Shape, Values extends Record<string, unknown>, Result>(
  keyOf: (shape: Shape) => string,
  build: (db: Database, shape: Shape) => Preparable<Result>,
): (on: DbOrTx, shape: Shape, values: Values) => Promise<Result> {
  const byKey = new Map<string, (on: DbOrTx, values: Values) => Promise<Result>>();
  return (on, shape, values) => {
    const key = keyOf(shape);
    let run = byKey.get(key);
    if (!run) byKey.set(key, (run = builtOnce<Values, Result>((db) => build(db, shape))));
    return run(on, values);
  };
}

/**
 * A value an UPDATE's SET takes from the placeholder `name` when the statement runs: drizzle's
 * SET accepts a placeholder only inside `sql`.
 */
export const placeholderValue = (name: string): SQL => sql`${sql.placeholder(name)}`;

type Executable<Result> = { execute(values?: Record<string, unknown>): Promise<Result> };
type Preparable<Result> = { prepare(name: string): Executable<Result>; toSQL(): { sql: string } };

/** Builds statements and never runs one: it has no connection. */
const statementBuilder = drizzle.mock({ schema }) as unknown as Database;

/**
 * The pg pool (a database) or checked-out client (a transaction) a drizzle handle runs on.
 * drizzle keeps it on the handle's session, which its types mark internal: built-once.test.ts
 * holds a statement to running inside the transaction it is given, so an upgrade that moves
 * it fails there, not in production.
 */
function clientOf(on: DbOrTx): pg.Pool | pg.PoolClient {
  const client = (on as unknown as { session?: { client?: pg.Pool | pg.PoolClient } }).session?.client;
  if (!client) throw new Error("builtOnce: this drizzle handle has no session client (has drizzle-orm's layout changed?)");
  return client;
}
