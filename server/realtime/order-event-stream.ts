import "server-only";
import type { ServerResponse } from "node:http";
import type { Database } from "@/server/db/client";
import type { HeartbeatTickers } from "./heartbeat-ticker";
import type { OrderEventHub } from "./order-event-hub";
import { idleTicks, SseConnection } from "./sse-connection";

/**
 * The SSE stream of one order (docs/api.md, "GET /api/orders/{id}/events"), written to `res`: the current state at once
 * (or, with Last-Event-ID, every event after that one), then each change as its NOTIFY
 * arrives, comment heartbeats, and the end of the stream after a final status. Resolves
 * once the initial state is sent; the stream stays open until it ends or the client leaves.
 */
export async function streamOrderEvents(
  res: ServerResponse,
  db: Database,
  orderId: string,
  options: { lastEventId: string | null; traceParent?: string | null; heartbeatSeconds: number; maxIdleSeconds: number; hub: OrderEventHub; heartbeats: HeartbeatTickers },
): Promise<void> {
  const ticker = options.heartbeats.every(options.heartbeatSeconds * 1000);
  const connection = new SseConnection(res, db, [orderId], options.hub, ticker, idleTicks(options));
  const [feed] = connection.feeds;
  feed!.traceParent = options.traceParent ?? null;
  await connection.start(() => feed!.replay(options.lastEventId));
}
