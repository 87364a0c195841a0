/**
 * What open SSE streams cost the web process: memory per stream (after GC, from the
 * process's own memory probe) and, with all of them open, how long an order event takes
 * from its commit to the client.
 *
 * The streams follow orders that stay in flight (placed while no worker runs), one stream
 * per order. The benchmark then appends events to their logs itself — one autocommit INSERT
 * into order_events each, which fires the same NOTIFY trigger as a real transition — and
 * times each from sending the INSERT to its frame arriving, so the figure includes the
 * commit, the NOTIFY, the web process's fan-out and the HTTP write. It also splits the tail:
 * the INSERT's own round trip (the database's share) and the frame's arrival after the
 * commit came back (the app's share), so a slow p99 says which of the two it was.
 */
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type pg from "pg";
import { newId } from "@/server/ids";
import { openLoop, percentile } from "./load";
import { placeBurst } from "./pipeline";
import type { BenchStack, ProbedMemory } from "./stack";

export type SseResult = {
  streams: number;
  rss_kb_per_stream: number;
  heap_kb_per_stream: number;
  /** RSS per stream split: anonymous pages (V8's heap, malloc), file-backed ones (code paged in), V8's committed heap. */
  rss_anon_kb_per_stream: number;
  rss_file_kb_per_stream: number;
  heap_total_kb_per_stream: number;
  /**
   * RSS per stream from the second half of the streams alone: what one more stream costs once
   * the one-time growth of opening the first ones (code paged in, V8's young generation
   * enlarged) is behind.
   */
  rss_kb_per_stream_marginal: number;
  after_gc: boolean;
  events: number;
  events_missed: number;
  commit_to_event_p50_ms: number;
  commit_to_event_p99_ms: number;
  /** The INSERT's own round trip (sent → commit acknowledged): the database's share of the figure above. */
  insert_commit_p99_ms: number;
  /** Frame arrival minus the commit's acknowledgement: the app's share (negative when the frame wins). */
  event_after_commit_p99_ms: number;
};

/** When each appended event was sent, and when its INSERT's commit came back. */
type AppendTimes = { sentAt: Map<string, number>; committedAt: Map<string, number> };

type Stream = { request: http.ClientRequest; firstFrame: Promise<void> };

const OPEN_TIMEOUT_MS = 60_000;
const DELIVERY_TIMEOUT_MS = 30_000;
// Opened this many at a time: a thousand simultaneous connects would measure the accept queue.
const OPEN_BATCH = 50;

export async function measureSseStreams(stack: BenchStack, count: number, eventsPerStream: number, eventsPerSecond: number): Promise<SseResult> {
  const pending = await pendingOrderCount(stack.pool);
  if (pending < count) await placeBurst(stack, count - pending); // a short intake phase left too few
  const orders = await inFlightOrders(stack, count);
  const times: AppendTimes = { sentAt: new Map(), committedAt: new Map() };
  const latencies: number[] = [];
  const arrivedAt = new Map<string, number>();
  const onFrame = (eventId: string) => {
    const sent = times.sentAt.get(eventId);
    if (sent === undefined) return;
    const now = performance.now();
    latencies.push(now - sent);
    arrivedAt.set(eventId, now);
  };
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const streams: Stream[] = [];
  try {
    const web = stack.webPid();
    // A first batch, closed again, so the route's code is loaded and warm before the baseline.
    const warmup = orders.slice(0, OPEN_BATCH).map((o) => openStream(stack.baseUrl, agent, o.orderId, o.apiKey, () => {}));
    await withTimeout(Promise.all(warmup.map((s) => s.firstFrame)), OPEN_TIMEOUT_MS, "opening the warm-up SSE streams");
    for (const stream of warmup) stream.request.destroy();
    await sleep(1000);
    const before = await stack.memoryAfterGc(web);
    const half = Math.floor(orders.length / OPEN_BATCH / 2) * OPEN_BATCH;
    let middle: ProbedMemory | undefined;
    for (let i = 0; i < orders.length; i += OPEN_BATCH) {
      if (i === half && half > 0) middle = await stack.memoryAfterGc(web);
      const batch = orders.slice(i, i + OPEN_BATCH).map((o) => openStream(stack.baseUrl, agent, o.orderId, o.apiKey, onFrame));
      streams.push(...batch);
      await withTimeout(Promise.all(batch.map((s) => s.firstFrame)), OPEN_TIMEOUT_MS, `opening ${orders.length} SSE streams`);
    }
    const after = await stack.memoryAfterGc(web);
    const perStream = (key: keyof ProbedMemory, from = before, streamCount = orders.length) => ((after[key] as number) - (from[key] as number)) / 1024 / streamCount;

    // Round after round over all orders, and each order's next append only after its previous
    // one committed: a real order's transitions are serialised by its row lock, and a stream
    // rightly drops an event whose sequence number is below one it already sent.
    const events = Array.from({ length: eventsPerStream }, () => orders.map((o) => o.orderId)).flat();
    const previous = new Map<string, Promise<void>>();
    await openLoop(events.length, eventsPerSecond, (i) => {
      const orderId = events[i]!;
      const appended = (previous.get(orderId) ?? Promise.resolve()).then(() => appendEvent(stack.pool, orderId, times));
      previous.set(orderId, appended);
      return appended;
    });
    const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
    while (latencies.length < events.length && Date.now() < deadline) await sleep(100);

    return {
      streams: orders.length,
      rss_kb_per_stream: (after.rss - before.rss) / 1024 / orders.length,
      heap_kb_per_stream: (after.heapUsed + after.external - before.heapUsed - before.external) / 1024 / orders.length,
      rss_anon_kb_per_stream: perStream("rssAnon"),
      rss_file_kb_per_stream: perStream("rssFile"),
      heap_total_kb_per_stream: perStream("heapTotal"),
      rss_kb_per_stream_marginal: middle ? perStream("rss", middle, orders.length - half) : perStream("rss"),
      after_gc: before.gc && after.gc,
      events: events.length,
      events_missed: events.length - latencies.length,
      commit_to_event_p50_ms: percentile(latencies, 50),
      commit_to_event_p99_ms: percentile(latencies, 99),
      insert_commit_p99_ms: percentile([...times.committedAt].map(([id, at]) => at - times.sentAt.get(id)!), 99),
      event_after_commit_p99_ms: percentile(
        [...arrivedAt].flatMap(([id, at]) => (times.committedAt.has(id) ? [at - times.committedAt.get(id)!] : [])),
        99,
      ),
    };
  } finally {
    for (const stream of streams) stream.request.destroy();
    agent.destroy();
  }
}

/** The latest `count` orders (all still pending: no worker has run) with their shopper's API key. */
async function inFlightOrders(stack: BenchStack, count: number): Promise<{ orderId: string; apiKey: string }[]> {
  const { rows } = await stack.pool.query<{ id: string; shopper_id: string }>(
    "SELECT id, shopper_id FROM orders WHERE status = 'pending' ORDER BY seq DESC LIMIT $1",
    [count],
  );
  if (rows.length < count) throw new Error(`only ${rows.length} pending orders to stream, ${count} wanted`);
  return rows.map((r) => ({ orderId: r.id, apiKey: stack.apiKeyOfShopper.get(r.shopper_id)! }));
}

async function pendingOrderCount(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM orders WHERE status = 'pending'");
  return rows[0]!.n;
}

/**
 * One transition's worth of log: an autocommit INSERT, which NOTIFYs through the
 * order_events trigger. Timed from when it is sent on its connection, so waiting for one of
 * the benchmark's own pooled connections does not count.
 */
async function appendEvent(pool: pg.Pool, orderId: string, { sentAt, committedAt }: AppendTimes): Promise<void> {
  const id = newId("evt");
  const connection = await pool.connect();
  try {
    sentAt.set(id, performance.now());
    await connection.query("INSERT INTO order_events (id, order_id, status, detail) VALUES ($1, $2, 'payment_processing', '{}')", [id, orderId]);
    committedAt.set(id, performance.now());
  } finally {
    connection.release();
  }
}

/** GET …/events; calls onFrame(id) for every frame with an id, resolves firstFrame on the first (the current state). */
function openStream(baseUrl: string, agent: http.Agent, orderId: string, apiKey: string, onFrame: (eventId: string) => void): Stream {
  let resolveFirst!: () => void;
  let rejectFirst!: (err: Error) => void;
  const firstFrame = new Promise<void>((resolve, reject) => ((resolveFirst = resolve), (rejectFirst = reject)));
  const request = http.get(new URL(`/api/orders/${orderId}/events`, baseUrl), {
    agent,
    headers: { Authorization: `Bearer ${apiKey}`, Accept: "text/event-stream" },
  });
  request.on("error", (err) => rejectFirst(err));
  request.on("response", (response) => {
    if (response.statusCode !== 200) return rejectFirst(new Error(`SSE stream of ${orderId}: HTTP ${response.statusCode}`));
    let buffered = "";
    response.on("error", () => {}); // the reset when the benchmark closes the stream
    response.setEncoding("utf8");
    response.on("data", (chunk: string) => {
      buffered += chunk;
      let end: number;
      while ((end = buffered.indexOf("\n\n")) >= 0) {
        const frame = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const id = /^id: (.+)$/m.exec(frame)?.[1];
        if (!id) continue;
        resolveFirst();
        onFrame(id);
      }
    });
  });
  return { request, firstFrame };
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
