import { afterAll, describe, expect, it } from "vitest";
import { orderEvents } from "@/server/db/schema";
import { newId } from "@/server/ids";
import { placeOrder } from "@/server/orders/place-order";
import { useServiceDatabase } from "@/tests/support/service-database";
import { heartbeatTicker } from "./heartbeat-ticker";
import { OrderEventHub } from "./order-event-hub";
import { orderEventStream } from "./order-event-stream";

const svc = useServiceDatabase();
const BODY = { items: [{ sku: "WIDGET-42", quantity: 1 }], payment_method: "pm_visa_4242" };
const STREAMS = 50;
const HEARTBEAT_SECONDS = 0.2;
const decoder = new TextDecoder();

let hub: OrderEventHub | undefined;
afterAll(() => hub?.close());

type Reader = ReadableStreamDefaultReader<Uint8Array>;

/** The next chunk of `reader` that `matches` (as text), skipping the others. */
async function nextChunk(reader: Reader, matches: (text: string) => boolean): Promise<Uint8Array> {
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the stream ended");
    if (matches(decoder.decode(value))) return value;
  }
}

const isStatus = (status: string) => (text: string) => text.includes("event: status_update") && text.includes(`"status":"${status}"`);
const isHeartbeat = (text: string) => text === ": heartbeat\n\n";

describe("orderEventStream at many streams of one order", () => {
  it("shares one heartbeat tick and one encoded frame per event among all streams, and lets go of both on cancel", async () => {
    const { db, boss, url, newShopperId } = svc();
    hub = new OrderEventHub(url);
    const placed = await placeOrder(db, boss, { shopperId: await newShopperId(), body: BODY });
    const ticker = heartbeatTicker(HEARTBEAT_SECONDS * 1000);
    const readers = Array.from({ length: STREAMS }, () =>
      orderEventStream(db, placed.orderId, { lastEventId: null, heartbeatSeconds: HEARTBEAT_SECONDS, signal: new AbortController().signal, hub }).getReader(),
    );

    // The current state at once, on every stream.
    await Promise.all(readers.map((r) => nextChunk(r, isStatus("pending"))));
    expect(ticker.size).toBe(STREAMS);

    // One transition: every stream gets it, as the very same bytes (encoded once, not per subscriber).
    await db.insert(orderEvents).values({ id: newId("evt"), orderId: placed.orderId, status: "payment_processing" });
    const frames = await Promise.all(readers.map((r) => nextChunk(r, isStatus("payment_processing"))));
    expect(new Set(frames).size).toBe(1);
    expect(decoder.decode(frames[0])).toMatch(/^id: evt_\w+\nevent: status_update\ndata: \{"order_id":"ord_\w+","status":"payment_processing","timestamp":"[^"]+"\}\n\n$/);

    // Heartbeats come from the shared tick, again the same bytes everywhere.
    const heartbeats = await Promise.all(readers.map((r) => nextChunk(r, isHeartbeat)));
    expect(new Set(heartbeats).size).toBe(1);

    await Promise.all(readers.map((r) => r.cancel()));
    expect(ticker.size).toBe(0);
  });
});
