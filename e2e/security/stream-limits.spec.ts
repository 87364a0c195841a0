import { expect, SHARED_STACKS, test, useSharedStack } from "../support/fixtures";
import { expectErrorBody, placeOrder } from "../support/api";
import { openEventStream, type SseConnection } from "../support/sse";
import { type Shopper, type Stack } from "../support/stack";

/**
 * Caps on open event streams — per shopper, per client address, per process — answered
 * with a 429 before the stream opens, and given back when a stream closes (docs/api.md).
 * Small caps prove what large ones would; one trusted proxy hop lets the test choose the
 * address each stream comes from (X-Forwarded-For).
 */
useSharedStack("perAddressLimits");
const PER_PROCESS = Number(SHARED_STACKS.perAddressLimits.SSE_MAX_STREAMS);

let addressCounter = 0;
/** A fresh client address for each use that needs one of its own. */
const newAddress = () => `203.0.113.${++addressCounter}`;

/** Orders stay `pending` while the provider refuses every charge: their streams stay open. */
test.beforeAll(async ({ stack }) => {
  await stack.setDownstream("payment", { outage: true });
});

type Door = { url: string; headers: Record<string, string> };

async function orderDoor(stack: Stack, shopper: Shopper, address: string): Promise<Door> {
  const orderId = await placeOrder(stack, shopper);
  return { url: `${stack.baseURL}/api/orders/${orderId}/events`, headers: { ...shopper.headers, "X-Forwarded-For": address } };
}

const open = (door: Door) => openEventStream(door.url, door.headers);

async function expectRefused(door: Door, scope: RegExp): Promise<void> {
  const response = await fetch(door.url, { headers: { Accept: "text/event-stream", ...door.headers } });
  expect(response.status).toBe(429);
  expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  const body = await response.json();
  expectErrorBody(body, "rate_limited");
  expect(body.error.message).toMatch(scope);
}

/** Resolves once `door` opens again (its slot was given back), then closes what it opened. */
async function expectOpensAgain(door: Door): Promise<void> {
  await expect
    .poll(async () => {
      const response = await fetch(door.url, { headers: { Accept: "text/event-stream", ...door.headers } });
      await response.body?.cancel();
      return response.status;
    })
    .toBe(200);
}

const closeAll = (streams: SseConnection[]) => streams.forEach((stream) => stream.close());

test("per process: past SSE_MAX_STREAMS every stream is refused; closing them frees every slot", async ({ stack }) => {
  const streams: SseConnection[] = [];
  const doors: Door[] = [];
  for (let i = 0; i < PER_PROCESS; i++) {
    const door = await orderDoor(stack, await stack.newShopper(), newAddress());
    doors.push(door);
    streams.push(await open(door));
  }
  await expectRefused(await orderDoor(stack, await stack.newShopper(), newAddress()), /server/);
  closeAll(streams);
  // Every one comes back: each was released when its client went away.
  await expect
    .poll(async () => {
      const reopened = await Promise.all(doors.map((door) => fetch(door.url, { headers: { Accept: "text/event-stream", ...door.headers } })));
      await Promise.all(reopened.map((response) => response.body?.cancel()));
      return reopened.map((response) => response.status);
    })
    .toEqual(doors.map(() => 200));
});

test("per shopper: past SSE_MAX_STREAMS_PER_SHOPPER the shopper's next stream is a 429 on either stream route, from any address", async ({ stack, shopper }) => {
  const first = await orderDoor(stack, shopper, newAddress());
  const streams = [await open(first), await open(await orderDoor(stack, shopper, newAddress()))];
  await expectRefused(await orderDoor(stack, shopper, newAddress()), /shopper/);
  const orderId = first.url.split("/").at(-2)!;
  await expectRefused({ url: `${stack.baseURL}/api/orders/events?ids=${orderId}`, headers: { ...shopper.headers, "X-Forwarded-For": newAddress() } }, /shopper/);
  // Another shopper is unaffected.
  streams.push(await open(await orderDoor(stack, await stack.newShopper(), newAddress())));

  streams[0]!.close();
  await expectOpensAgain(await orderDoor(stack, shopper, newAddress()));
  closeAll(streams);
});

test("per address: past SSE_MAX_STREAMS_PER_ADDRESS the address's next stream is a 429, whichever shopper asks", async ({ stack }) => {
  const address = newAddress();
  const [a, b, c] = [await stack.newShopper(), await stack.newShopper(), await stack.newShopper()];
  const streams = [await open(await orderDoor(stack, a, address)), await open(await orderDoor(stack, a, address)), await open(await orderDoor(stack, b, address))];
  await expectRefused(await orderDoor(stack, c, address), /address/);
  streams.push(await open(await orderDoor(stack, c, newAddress())));

  streams[2]!.close();
  await expectOpensAgain(await orderDoor(stack, c, address));
  closeAll(streams);
});

test("the admin overview stream: an unknown window (even one of Object's own names) is a 400; it counts against the caps", async ({ stack }) => {
  const admin = await stack.newShopper({ admin: true });
  const address = newAddress();
  const door = (window: string) => ({ url: `${stack.baseURL}/api/admin/overview/stream?window=${window}`, headers: { ...admin.headers, "X-Forwarded-For": address } });
  for (const window of ["toString", "constructor", "__proto__", "hasOwnProperty", "1d"]) {
    const response = await fetch(door(window).url, { headers: door(window).headers });
    expect(response.status, window).toBe(400);
    expectErrorBody(await response.json(), "invalid_request");
  }

  const streams = [await open(door("15m")), await open(door("1h"))];
  await streams[0]!.waitFor((s) => s.frames.some((f) => f.event === "overview"), 10_000, "the first overview");
  await expectRefused(door("15m"), /shopper/);
  streams[0]!.close();
  await expectOpensAgain(door("15m"));
  closeAll(streams);
});
