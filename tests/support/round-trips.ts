import type pg from "pg";

/**
 * Counts every statement a pool's clients send (BEGIN and COMMIT included) while `run` runs
 * (`run` is handed the list as it fills, to see what was sent before a moment of its own):
 * each is one database round trip (intake's throughput is bound by their number; a step holding
 * the order's row lock holds it for theirs). Each entry is a statement's first words.
 */
export async function countRoundTrips(pool: pg.Pool, run: (sentSoFar: readonly string[]) => Promise<unknown>): Promise<string[]> {
  const sent: string[] = [];
  // A client acquired again (the step's read, then its transaction) is wrapped once; all are
  // unwrapped at the end (pg's pool does not tell the client itself of its release).
  const wrapped = new Map<pg.PoolClient, pg.PoolClient["query"]>();
  const onAcquire = (client: pg.PoolClient) => {
    if (wrapped.has(client)) return;
    const query = client.query;
    wrapped.set(client, query);
    client.query = function (this: pg.PoolClient, ...args: unknown[]) {
      const text = typeof args[0] === "string" ? args[0] : (args[0] as { text?: string }).text;
      sent.push((text ?? "").trim().split(/\s+/).slice(0, 4).join(" "));
      return (query as (...a: unknown[]) => unknown).apply(client, args);
    } as typeof client.query;
  };
  pool.on("acquire", onAcquire);
  try {
    await run(sent);
  } finally {
    pool.off("acquire", onAcquire);
    for (const [client, query] of wrapped) client.query = query;
  }
  return sent;
}
