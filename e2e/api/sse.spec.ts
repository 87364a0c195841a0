import { expect, test, useSharedStack } from "../support/fixtures";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import type { EventView, OrderView } from "@/server/orders/order-view";
import { freePort, waitUntilHealthy } from "@/scripts/processes";
import { expectErrorBody, getOrder, PAID_PATH, placeOrder, waitForStatus } from "../support/api";
import { openEventStream, type SseConnection } from "../support/sse";
import { type Shopper, type Stack } from "../support/stack";

// A short heartbeat (0.5 s) so the heartbeat test does not wait the default 15 s.
useSharedStack("quickTimers");

function eventsUrl(baseURL: string, orderId: string): string {
  return `${baseURL}/api/orders/${orderId}/events`;
}

async function orderView(stack: Stack, shopper: Shopper, orderId: string): Promise<OrderView> {
  const { status, body } = await getOrder(stack, shopper, orderId);
  expect(status).toBe(200);
  return body as OrderView;
}

/** The frames the contract prescribes for these entries of the order's event log. */
function framesOf(orderId: string, events: EventView[]) {
  return events.map((event) => ({
    id: event.id,
    event: "status_update",
    data: {
      order_id: orderId,
      status: event.status,
      timestamp: event.timestamp,
      ...(event.status === "shipped" ? { tracking: event.tracking } : {}),
    },
  }));
}

function receivedFrames(sse: SseConnection) {
  return sse.frames.map((frame) => ({ id: frame.id, event: frame.event, data: JSON.parse(frame.data) }));
}

/**
 * Keeps orders in flight: the payment provider refuses every charge until `fn` is done, so
 * an order stays `pending` (its charge job retrying) for as long as the test needs.
 */
async function withPaymentOutage(stack: Stack, fn: (release: () => Promise<void>) => Promise<void>): Promise<void> {
  const release = () => stack.setDownstream("payment", { outage: false });
  await stack.setDownstream("payment", { outage: true });
  try {
    await fn(release);
  } finally {
    await release();
  }
}

test("text/event-stream: the current state at once, then every change live, closing after shipped", async ({ stack, shopper }) => {
  await withPaymentOutage(stack, async (release) => {
    const orderId = await placeOrder(stack, shopper);
    const sse = await openEventStream(eventsUrl(stack.baseURL, orderId), shopper.headers);
    try {
      expect(sse.response.headers.get("content-type")).toMatch(/^text\/event-stream\b/);
      await sse.waitFor((c) => c.frames.length >= 1, 2000, "the current state");
      expect(receivedFrames(sse)).toEqual(framesOf(orderId, (await orderView(stack, shopper, orderId)).events));

      await release();
      await sse.waitForEnd(30_000);
      const order = await orderView(stack, shopper, orderId);
      expect(order.events.map((e) => e.status)).toEqual(PAID_PATH);
      expect(receivedFrames(sse)).toEqual(framesOf(orderId, order.events));
      expect(receivedFrames(sse).at(-1)?.data.tracking).toBe(order.tracking);
    } finally {
      sse.close();
    }
  });
});

test("a finished order's stream sends its final state at once, then closes", async ({ api, events }) => {
  const orderId = await api.placeOrder();
  const order = await api.waitForStatus(orderId, ["shipped"]);
  // The events fixture closes the stream after the test.
  const sse = await events.open(`/api/orders/${orderId}/events`, api.shopper.headers);
  await sse.waitForEnd(5000);
  expect(receivedFrames(sse)).toEqual(framesOf(orderId, order.events.slice(-1)));
});

test("connecting right after POST streams every later status in order, ending with shipped, then closes by itself", async ({ stack, shopper }) => {
  const orderId = await placeOrder(stack, shopper);
  const sse = await openEventStream(eventsUrl(stack.baseURL, orderId), shopper.headers);
  try {
    await sse.waitForEnd(30_000);
    const order = await orderView(stack, shopper, orderId);
    expect(order.status).toBe("shipped");
    const frames = receivedFrames(sse);
    expect(frames.length).toBeGreaterThan(0);
    // What the stream showed is exactly the tail of the log: same ids, same order, no duplicates.
    expect(frames).toEqual(framesOf(orderId, order.events.slice(-frames.length)));
    expect(frames.every((frame) => /^evt_/.test(frame.id ?? ""))).toBe(true);
    expect(frames.at(-1)?.data.tracking).toBe(order.tracking);
  } finally {
    sse.close();
  }
});

test("Last-Event-ID replays exactly the events after it, in order, then closes", async ({ stack, shopper }) => {
  const orderId = await placeOrder(stack, shopper);
  const { events } = await waitForStatus(stack, shopper, orderId, ["shipped"]);
  expect(events.map((e) => e.status)).toEqual(PAID_PATH);

  for (let i = 0; i < events.length - 1; i++) {
    const sse = await openEventStream(eventsUrl(stack.baseURL, orderId), { ...shopper.headers, "Last-Event-ID": events[i]!.id });
    try {
      await sse.waitForEnd(5000);
      expect(receivedFrames(sse), `after ${events[i]!.status}`).toEqual(framesOf(orderId, events.slice(i + 1)));
    } finally {
      sse.close();
    }
  }
});

test("Last-Event-ID of the final event: the stream closes with nothing more", async ({ stack, shopper }) => {
  const orderId = await placeOrder(stack, shopper);
  const { events } = await waitForStatus(stack, shopper, orderId, ["shipped"]);
  const sse = await openEventStream(eventsUrl(stack.baseURL, orderId), { ...shopper.headers, "Last-Event-ID": events.at(-1)!.id });
  try {
    await sse.waitForEnd(5000);
    expect(sse.frames).toEqual([]);
  } finally {
    sse.close();
  }
});

test("an order in flight gets a comment heartbeat within ~2 s", async ({ stack, shopper }) => {
  await withPaymentOutage(stack, async () => {
    const orderId = await placeOrder(stack, shopper);
    const sse = await openEventStream(eventsUrl(stack.baseURL, orderId), shopper.headers);
    try {
      await sse.waitFor((c) => c.comments.includes("heartbeat"), 2000, "a heartbeat");
      expect(sse.endedBy).toBeUndefined();
      expect(sse.data.map((d) => d.status)).toEqual(["pending"]);
    } finally {
      sse.close();
    }
  });
});

test("no credentials → 401; someone else's order → 404, like one that does not exist", async ({ stack }) => {
  const owner = await stack.newShopper();
  const stranger = await stack.newShopper();
  const orderId = await placeOrder(stack, owner);

  const badCredentials: Record<string, string>[] = [{}, { Authorization: "Bearer cvk_not-a-real-key" }];
  for (const headers of badCredentials) {
    const response = await fetch(eventsUrl(stack.baseURL, orderId), { headers: { Accept: "text/event-stream", ...headers } });
    expect(response.status).toBe(401);
    expectErrorBody(await response.json(), "unauthorized");
  }
  for (const id of [orderId, "ord_doesnotexist00000000"]) {
    const response = await fetch(eventsUrl(stack.baseURL, id), { headers: { Accept: "text/event-stream", ...stranger.headers } });
    expect(response.status).toBe(404);
    expectErrorBody(await response.json(), "not_found");
  }
});

test("a second web instance on the same database streams the updates of an order placed through the first", async ({ stack }) => {
  test.setTimeout(120_000);
  const port = await freePort();
  const second = stack.processes.spawnWeb(port);
  const secondURL = `http://127.0.0.1:${port}`;
  try {
    await waitUntilHealthy(`${secondURL}/api/health`, 90_000);
    const shopper = await stack.newShopper();
    await withPaymentOutage(stack, async (release) => {
      const orderId = await placeOrder(stack, shopper);
      // Both streams are open before anything happens; the provider's webhook then lands on
      // the first instance (APP_URL), and everything must still reach the second.
      const onSecond = await openEventStream(eventsUrl(secondURL, orderId), shopper.headers);
      const onFirst = await openEventStream(eventsUrl(stack.baseURL, orderId), shopper.headers);
      try {
        await onSecond.waitFor((c) => c.frames.length >= 1, 2000, "the current state on the second instance");
        await release();
        await Promise.all([onSecond.waitForEnd(30_000), onFirst.waitForEnd(30_000)]);
        const order = await orderView(stack, shopper, orderId);
        expect(order.events.map((e) => e.status)).toEqual(PAID_PATH);
        expect(receivedFrames(onSecond)).toEqual(framesOf(orderId, order.events));
        expect(receivedFrames(onFirst)).toEqual(framesOf(orderId, order.events));
      } finally {
        onSecond.close();
        onFirst.close();
      }
    });
  } finally {
    await stopProcess(second);
  }
});

/** Stops the extra instance now rather than at the stack's stop(), so it does not outlive its test. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  await exited;
}
