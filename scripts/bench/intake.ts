/**
 * Write throughput: order intake through the HTTP API, and, as its ceiling, the raw rate
 * of one-row transactions the same database commits through the same driver and the same
 * number of connections as the web process's pool.
 */
import pg from "pg";
import { closedLoop, orderClient, percentile, type OrderClient } from "./load";

export type IntakeResult = { clients: number; orders_per_s: number; p50_ms: number; p99_ms: number; non_202: number; orders_including_warmup: number };
export type RawInsertResult = { clients: number; connections: number; database: string; tx_per_s: number };

/** Closed loop of POST /api/orders, client i as shopper i; warm-up first, then `seconds` measured. */
export async function measureIntake(baseUrl: string, apiKeys: string[], warmupSeconds: number, seconds: number): Promise<IntakeResult> {
  const client = orderClient(baseUrl, apiKeys.length);
  try {
    const warmup = await placeOrdersFor(client, apiKeys, warmupSeconds);
    const { accepted, non202, elapsedSeconds } = await placeOrdersFor(client, apiKeys, seconds);
    return {
      clients: apiKeys.length,
      orders_per_s: accepted.length / elapsedSeconds,
      p50_ms: percentile(accepted, 50),
      p99_ms: percentile(accepted, 99),
      non_202: non202,
      orders_including_warmup: warmup.accepted.length + accepted.length,
    };
  } finally {
    client.close();
  }
}

async function placeOrdersFor(client: OrderClient, apiKeys: string[], seconds: number) {
  const accepted: number[] = [];
  let non202 = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await closedLoop(apiKeys.length, () => performance.now() >= deadline, async (i) => {
    const response = await client.place(apiKeys[i]!);
    if (response.status === 202) accepted.push(response.ms);
    else non202++;
  });
  // Requests started before the deadline finish after it; they count, over the time they took.
  return { accepted, non202, elapsedSeconds: (performance.now() - started) / 1000 };
}

/** `clients` loops of BEGIN; INSERT one row; COMMIT over a pool of `connections`, like the web process's. */
export async function measureRawInserts(
  url: string,
  database: string,
  clients: number,
  connections: number,
  warmupSeconds: number,
  seconds: number,
): Promise<RawInsertResult> {
  const pool = new pg.Pool({ connectionString: url, max: connections, application_name: "conveyor-bench" });
  try {
    // A logged table with a bigserial key, like the app's tables: each commit waits for its WAL flush.
    // No need to drop it: the benchmark's database is dropped at the end of the run.
    await pool.query("CREATE TABLE bench_raw_insert (id bigserial PRIMARY KEY, body text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())");
    await insertFor(pool, clients, warmupSeconds);
    const { committed, elapsedSeconds } = await insertFor(pool, clients, seconds);
    return { clients, connections, database, tx_per_s: committed / elapsedSeconds };
  } finally {
    await pool.end();
  }
}

async function insertFor(pool: pg.Pool, clients: number, seconds: number) {
  let committed = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await closedLoop(clients, () => performance.now() >= deadline, async () => {
    const connection = await pool.connect();
    try {
      await connection.query("BEGIN");
      await connection.query("INSERT INTO bench_raw_insert (body) VALUES ($1)", ["raw insert baseline"]);
      await connection.query("COMMIT");
      connection.release();
    } catch (err) {
      connection.release(true); // never hand back a connection stuck in a failed transaction
      throw err;
    }
    committed++;
  });
  return { committed, elapsedSeconds: (performance.now() - started) / 1000 };
}
