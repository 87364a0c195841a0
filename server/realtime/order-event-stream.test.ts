import http from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { orderEvents } from "@/server/db/schema";
import { newId } from "@/server/ids";
import { placeOrder } from "@/server/orders/place-order";
import { useServiceDatabase } from "@/tests/support/service-database";
import { HeartbeatTickers } from "./heartbeat-ticker";
import { OrderEventHub } from "./order-event-hub";
import { streamOrderEvents } from "./order-event-stream";
import { streamShopperOrders } from "./shopper-orders-stream";

const svc = useServiceDatabase();
const BODY = { items: [{ sku: "WIDGET-42", quantity: 1 }], payment_method: "pm_visa_4242" };
const STREAMS = 50;
const HEARTBEAT_SECONDS = 0.2;
const decoder = new TextDecoder();

let hub: OrderEventHub;
const heartbeats = new HeartbeatTickers();
let server: http.Server;
let baseUrl: string;
// Every chunk each response was given, by reference: shared frames must be the same object.
const written = new Map<string, Uint8Array[]>();
// Each request's handling, settled once the stream function has returned (or the stream ended).
const handled = new Map<string, Promise<unknown>>();

beforeAll(async () => {
  hub = new OrderEventHub(svc().url);
  server = http.createServer((req, res) => {
    const url = new URL(req.url!, "http://test");
    const chunks: Uint8Array[] = [];
    written.set(url.searchParams.get("client")!, chunks);
    const write = res.write.bind(res) as (chunk: Uint8Array) => boolean;
    res.write = ((chunk: Uint8Array) => (chunks.push(chunk), write(chunk))) as typeof res.write;
    const ids = url.searchParams.get("ids")!.split(",");
    const options = { heartbeatSeconds: HEARTBEAT_SECONDS, maxIdleSeconds: Number(url.searchParams.get("idle") ?? 600), hub, heartbeats };
    // `delay` stands for the authentication round trips before the stream is opened.
    const handling = sleep(Number(url.searchParams.get("delay") ?? 0)).then(() =>
      ids.length === 1 ? streamOrderEvents(res, svc().db, ids[0]!, { ...options, lastEventId: null }) : streamShopperOrders(res, svc().db, ids, options),
    );
    handled.set(url.searchParams.get("client")!, handling);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await hub.close();
});

type Client = { text: () => string; ended: Promise<void>; request: http.ClientRequest };

function connect(client: string, ids: string[], delayMs = 0, idleSeconds = 600): Client {
  let text = "";
  let ended!: () => void;
  const done = new Promise<void>((resolve) => (ended = resolve));
  const request = http.get(`${baseUrl}/?client=${client}&ids=${ids.join(",")}&delay=${delayMs}&idle=${idleSeconds}`, (response) => {
    response.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    response.on("end", ended);
    response.on("error", () => {});
  });
  request.on("error", () => {});
  return { text: () => text, ended: done, request };
}

async function until(what: string, condition: () => boolean): Promise<void> {
  await vi.waitFor(
    () => {
      if (!condition()) throw new Error(`timed out waiting for ${what}`);
    },
    { timeout: 10_000, interval: 10 },
  );
}

const frameOf = (status: string) => (chunk: Uint8Array) => decoder.decode(chunk).includes(`"status":"${status}"`);
const isHeartbeat = (chunk: Uint8Array) => decoder.decode(chunk) === ": heartbeat\n\n";

describe("order event streams on node:http", () => {
  it("share one heartbeat tick and one encoded frame per event among all streams, and let go of the tick when clients leave", async () => {
    const { db, queue, newShopperId } = svc();
    const placed = await placeOrder(db, queue, { shopperId: await newShopperId(), body: BODY });
    const ticker = heartbeats.every(HEARTBEAT_SECONDS * 1000);
    const clients = Array.from({ length: STREAMS }, (_, i) => connect(`many-${i}`, [placed.orderId]));

    // The current state at once, on every stream.
    await until("the current state on every stream", () => clients.every((c) => c.text().includes('"status":"pending"')));
    expect(ticker.size).toBe(STREAMS);

    // One transition: every stream gets it, as the very same bytes (encoded once, not per subscriber).
    await db.insert(orderEvents).values({ id: newId("evt"), orderId: placed.orderId, status: "payment_processing" });
    await until("the transition on every stream", () => clients.every((c) => c.text().includes('"status":"payment_processing"')));
    const frames = clients.map((_, i) => written.get(`many-${i}`)!.find(frameOf("payment_processing")));
    expect(new Set(frames).size).toBe(1);
    expect(decoder.decode(frames[0])).toMatch(/^id: evt_\w+\nevent: status_update\ndata: \{"order_id":"ord_\w+","status":"payment_processing","timestamp":"[^"]+"\}\n\n$/);

    // Heartbeats come from the shared tick, again the same bytes everywhere.
    await until("a heartbeat on every stream", () => clients.every((_, i) => written.get(`many-${i}`)!.some(isHeartbeat)));
    expect(new Set(clients.map((_, i) => written.get(`many-${i}`)!.find(isHeartbeat))).size).toBe(1);

    for (const client of clients) client.request.destroy();
    await until("every stream to leave the tick", () => ticker.size === 0);
  });

  it("carries several orders on one connection with the per-order feed, and ends once every order is final", async () => {
    const { db, queue, newShopperId } = svc();
    const shopperId = await newShopperId();
    const a = await placeOrder(db, queue, { shopperId, body: BODY });
    const b = await placeOrder(db, queue, { shopperId, body: BODY });
    const client = connect("shopper", [a.orderId, b.orderId]);
    await until("both orders' current state", () => client.text().split('"status":"pending"').length === 3);

    await db.insert(orderEvents).values({ id: newId("evt"), orderId: a.orderId, status: "cancelled" });
    await until("the first order's final status", () => client.text().includes(`"order_id":"${a.orderId}","status":"cancelled"`));
    // One order is final, the other is not: the stream stays open for it.
    await db.insert(orderEvents).values({ id: newId("evt"), orderId: b.orderId, status: "payment_processing" });
    await until("the second order's transition", () => client.text().includes(`"order_id":"${b.orderId}","status":"payment_processing"`));
    await db.insert(orderEvents).values({ id: newId("evt"), orderId: b.orderId, status: "cancelled" });
    await client.ended;
    expect(client.text().match(/event: status_update/g)).toHaveLength(5);
    expect(client.text()).toMatch(/^retry: 2000\n\n/);
  });

  it("ends a stream whose orders sent nothing for the idle limit, with a retry hint first, and lets go of the tick", async () => {
    const { db, queue, newShopperId } = svc();
    const shopperId = await newShopperId();
    const a = await placeOrder(db, queue, { shopperId, body: BODY });
    const b = await placeOrder(db, queue, { shopperId, body: BODY });
    const ticker = heartbeats.every(HEARTBEAT_SECONDS * 1000);
    // Three heartbeat periods without an event: two heartbeats, then the end.
    const single = connect("idle-order", [a.orderId], 0, HEARTBEAT_SECONDS * 3);
    const several = connect("idle-shopper", [a.orderId, b.orderId], 0, HEARTBEAT_SECONDS * 3);
    await Promise.all([single.ended, several.ended]);
    for (const client of [single, several]) {
      expect(client.text()).toMatch(/^retry: 2000\n\n/);
      // After the last event (the current state): two heartbeats, then the hint and the end.
      expect(client.text()).toMatch(/"status":"pending","timestamp":"[^"]+"\}\n\n: heartbeat\n\n: heartbeat\n\nretry: \d{4}\n\n$/);
    }
    await until("both streams to leave the tick", () => ticker.size === 0);
  });

  it("does not open a stream for a client that left before it was opened", async () => {
    const { db, queue, newShopperId } = svc();
    const placed = await placeOrder(db, queue, { shopperId: await newShopperId(), body: BODY });
    const ticker = heartbeats.every(HEARTBEAT_SECONDS * 1000);
    const client = connect("gone", [placed.orderId], 300);
    await until("the server to have the request", () => written.has("gone"));
    client.request.destroy();
    // Past the delay, the subscription and the initial read: the handler has returned, having
    // opened the stream or not.
    await handled.get("gone");
    expect(ticker.size).toBe(0);
    expect(written.get("gone")).toEqual([]);
  });
});
