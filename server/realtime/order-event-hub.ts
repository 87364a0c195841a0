import "server-only";
import pg from "pg";
import type { OrderStatus } from "@/lib/order-state";
import { loggerFor } from "@/server/logging/logger";

const log = loggerFor("order-events");

/** What the `order_events` trigger NOTIFYs (see migration 0001). */
export type OrderEventNotice = {
  seq: number;
  id: string;
  order_id: string;
  status: OrderStatus;
  timestamp: string;
  tracking: string | null;
};

/**
 * A listener of one order's events. Callers may pass an object with these two methods (an
 * SSE stream passes itself), so a subscription costs one Set entry and no closures.
 */
export type OrderEventSubscriber = { onEvent(notice: OrderEventNotice): void; onResync(): void };

/**
 * One LISTEN connection per process, fanned out in memory to every SSE stream and
 * `Prefer: wait` request of that process. Postgres delivers each NOTIFY to every listening
 * process, so this works with any number of web instances and costs the database one
 * connection per instance, not one per client. After a reconnect subscribers are told to
 * resync from the event log, since notifications sent while disconnected are lost.
 *
 * Fan-out allocates nothing per subscriber: each notice is parsed once and the same object
 * is handed to every subscriber of its order (which must treat it as read-only).
 */
export class OrderEventHub {
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private readonly subscribers = new Map<string, Set<OrderEventSubscriber>>();
  private reconnectDelayMs = 250;
  private closed = false;

  constructor(private readonly connectionString: string) {}

  /** Subscribes before the caller reads current state, so nothing falls between the two. */
  async subscribe(orderId: string, subscriber: OrderEventSubscriber): Promise<() => void> {
    await this.add(orderId, subscriber);
    return () => this.unsubscribe(orderId, subscriber);
  }

  /** Like `subscribe`, for callers that keep (orderId, subscriber) anyway and need no unsubscribe closure. */
  async add(orderId: string, subscriber: OrderEventSubscriber): Promise<void> {
    let set = this.subscribers.get(orderId);
    if (!set) this.subscribers.set(orderId, (set = new Set()));
    set.add(subscriber);
    try {
      await this.ensureConnected();
    } catch (err) {
      this.unsubscribe(orderId, subscriber);
      throw err;
    }
  }

  unsubscribe(orderId: string, subscriber: OrderEventSubscriber): void {
    const set = this.subscribers.get(orderId);
    if (!set) return;
    set.delete(subscriber);
    if (set.size === 0) this.subscribers.delete(orderId);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => {});
  }

  private ensureConnected(): Promise<void> {
    if (this.client) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: "conveyor-order-events", keepAlive: true });
    client.on("notification", (message) => {
      if (message.channel !== "order_events" || !message.payload) return;
      const notice = JSON.parse(message.payload) as OrderEventNotice;
      const set = this.subscribers.get(notice.order_id);
      if (set) for (const subscriber of set) subscriber.onEvent(notice);
    });
    client.on("error", (err) => {
      log.error({ err }, "listener error");
      this.handleDisconnect(client);
    });
    client.on("end", () => this.handleDisconnect(client));
    await client.connect();
    await client.query("LISTEN order_events");
    this.client = client;
    this.reconnectDelayMs = 250;
  }

  private handleDisconnect(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.subscribers.size === 0) return;
    setTimeout(() => {
      this.ensureConnected()
        .then(() => this.resyncAll())
        .catch(() => this.scheduleReconnect());
    }, this.reconnectDelayMs);
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, 5000);
  }

  private resyncAll(): void {
    for (const set of this.subscribers.values()) for (const subscriber of set) subscriber.onResync();
  }
}
