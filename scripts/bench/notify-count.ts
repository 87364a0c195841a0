/**
 * Counts the NOTIFYs the app sends while a phase runs, by listening on both channels it
 * uses: `order_events` (the trigger, one per status change) and pg-boss's job channel (one
 * per job inserted into a `notify: true` queue, payload = queue name). Postgres appends a
 * transaction's notifications to its queue together at commit, under one global lock, so a
 * run of consecutive notifications from the same backend is one NOTIFY-bearing commit (a
 * lower bound: two such commits in a row from one backend count as one).
 */
import pg from "pg";

export type NotifyCounts = { notifications: Record<string, number>; commits: number };

export async function startNotifyCounter(url: string): Promise<{ stop(): Promise<NotifyCounts> }> {
  const client = new pg.Client({ connectionString: url, application_name: "conveyor-bench" });
  // A lost connection (the database dropped after a failed phase) must not crash the run before it reports why.
  client.on("error", (err) => console.error("[bench] NOTIFY counter:", err.message));
  await client.connect();
  // The channel pg-boss derives from its schema name (pg-boss's plans.notifyChannelSql).
  const { rows } = await client.query<{ channel: string }>("SELECT 'pgboss_' || left(encode(sha224('pgboss'::bytea), 'hex'), 24) AS channel");
  const bossChannel = rows[0]!.channel;
  const notifications: Record<string, number> = {};
  let commits = 0;
  let lastBackend = -1;
  client.on("notification", ({ channel, payload, processId }) => {
    const key = channel === bossChannel ? `job ${payload}` : channel;
    notifications[key] = (notifications[key] ?? 0) + 1;
    if (processId !== lastBackend) commits++;
    lastBackend = processId;
  });
  await client.query(`LISTEN order_events; LISTEN "${bossChannel}"`);
  // Once only: the phase's own `finally` and the caller may both stop it.
  let stopped: Promise<NotifyCounts> | undefined;
  return {
    stop: () => (stopped ??= client.end().catch(() => {}).then(() => ({ notifications, commits }))),
  };
}
