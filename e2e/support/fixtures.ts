/**
 * The suite's Playwright fixtures (docs/testing.md, "Fixtures"). Specs import `test` and
 * `expect` from here instead of "@playwright/test" — also those that use no stack (they start
 * processes of their own): a worker starts its stack only for a test that asks for it, so
 * they share the default stack's workers instead of starting workers of their own.
 *
 * - `stack` (worker-scoped): a whole Conveyor started once per Playwright worker and shared
 *   by the files that worker runs. Tests that use it keep to their own data (a new shopper,
 *   their own orders), so they do not care which files ran before them.
 * - `stackEnv` (worker-scoped option): the environment of the stack. A file that needs its
 *   own environment (rate limits, another token, processes killed) declares
 *   `test.use({ stackEnv: { ... } })`, and gets a private stack: Playwright runs files whose
 *   worker-scoped options differ in different workers, and it tells option values apart by
 *   identity, so each file's `test.use` object (even `{}`) is a worker, and so a stack, of its
 *   own. Files that need the same environment name one of SHARED_STACKS instead
 *   (`useSharedStack`), and share a stack one after the other; `startFromCleanShop` also
 *   resets it for a file that reads the whole shop (seeded stock, counts, dead letters).
 * - `shopper`, `api`, `admin`, `events` (test-scoped): a new API shopper, a REST client with
 *   its key, a new admin with a tRPC client, and an SSE reader that hangs up after the test.
 */
import { expect, test as base } from "@playwright/test";
import { adminCall } from "./admin-trpc";
import { getOrder, placeOrder, postOrder, waitForStatus } from "./api";
import { openEventStream, type SseConnection } from "./sse";
import { startStack, type Shopper, type Stack } from "./stack";

/** The REST API as the `shopper` fixture's client sees it. */
export type Api = {
  shopper: Shopper;
  postOrder(body?: unknown, headers?: Record<string, string>): ReturnType<typeof postOrder>;
  placeOrder(body?: unknown): Promise<string>;
  getOrder(orderId: string): ReturnType<typeof getOrder>;
  waitForStatus(orderId: string, statuses: string[], timeoutMs?: number): ReturnType<typeof waitForStatus>;
};

/** A new admin (an API key with the admin role) and tRPC calls made with its key; a call throws unless it succeeds. */
export type Admin = {
  shopper: Shopper;
  query<T = any>(path: string, input?: unknown): Promise<T>;
  mutation<T = any>(path: string, input?: unknown): Promise<T>;
};

/** Opens `path` of the stack as an event stream; streams still open after the test are closed. */
export type Events = {
  open(path: string, headers?: Record<string, string>): Promise<SseConnection>;
};

/**
 * The shared stack serves every test of its worker's files, and all of them come from one
 * address (127.0.0.1): the per-address limits of sign-in, sign-up, new guests and streams,
 * meant for one client, would count the whole suite (and --repeat-each) as one, as
 * `npm run start:test` knows too. The files that test those limits run on a private stack
 * with the app's defaults or their own values.
 */
export const MANY_CLIENTS_ONE_ADDRESS: Record<string, string> = {
  SIGN_IN_ATTEMPTS_PER_ADDRESS: "1000",
  SIGN_UPS_PER_ADDRESS: "1000",
  GUEST_SESSIONS_PER_ADDRESS: "1000",
  SSE_MAX_STREAMS_PER_ADDRESS: "1000",
  BEACON_RATE_LIMIT_PER_MINUTE: "100000",
};

/** `limit` retries of a failed job, 1 s apart, with pg-boss supervising every 2 s. */
function retriesASecondApart(limit: number): Record<string, string> {
  return { ...MANY_CLIENTS_ONE_ADDRESS, JOB_RETRY_LIMIT: String(limit), JOB_RETRY_DELAY_SECONDS: "1", JOB_RETRY_DELAY_MAX_SECONDS: "1", JOB_SUPERVISE_SECONDS: "2" };
}

/**
 * Environments several files share. Passing one of these objects (not a copy) puts the files
 * in one worker, one after the other on one stack: each start costs about 4 s of CPU.
 * Each entry is built once, so its identity is what groups the files.
 */
export const SHARED_STACKS = {
  /** The default environment, for files that read the whole shop and reset it first. */
  cleanShop: { ...MANY_CLIENTS_ONE_ADDRESS, TRACE_VIEW_URL: "https://tracing.example/trace/{trace_id}" },
  /** One retry after 1 s, so a failing step reaches the dead letters in seconds. */
  oneRetry: retriesASecondApart(1),
  /** Two retries a second apart, so a step in an outage dead-letters within a test. */
  twoRetries: retriesASecondApart(2),
  /** Retries a second apart for a minute: a step rides out an outage of tens of seconds. */
  outageRetries: { JOB_RETRY_LIMIT: "60", JOB_RETRY_DELAY_SECONDS: "1", JOB_RETRY_DELAY_MAX_SECONDS: "1", JOB_SUPERVISE_SECONDS: "2" },
  /**
   * Quick timers: outbound webhooks retried after 1 s (three times), job backoff capped at
   * 1 s, an SSE heartbeat every 0.5 s, so tests about them wait seconds, not minutes.
   */
  quickTimers: { ...MANY_CLIENTS_ONE_ADDRESS, WEBHOOK_RETRY_SCHEDULE: "1s,1s,1s", JOB_RETRY_DELAY_MAX_SECONDS: "1", SSE_HEARTBEAT_SECONDS: "0.5" },
  /**
   * Small per-address limits behind one trusted proxy hop: each test speaks from addresses of
   * its own (X-Forwarded-For), so the files that test these limits share a stack. The same
   * RATE_LIMIT_PER_MINUTE is each shopper's budget across REST and tRPC, which the per-shopper
   * files test with shoppers of their own.
   */
  perAddressLimits: {
    TRUSTED_PROXY_HOPS: "1",
    RATE_LIMIT_PER_MINUTE: "25",
    GUEST_SESSIONS_PER_ADDRESS: "5",
    BEACON_RATE_LIMIT_PER_MINUTE: "6",
    SSE_MAX_STREAMS_PER_SHOPPER: "2",
    SSE_MAX_STREAMS_PER_ADDRESS: "3",
    SSE_MAX_STREAMS: "8",
  },
  /**
   * The doors as production keeps them, for the files that test them: no test controls (as
   * every real deployment runs; these files' shoppers come straight from the database,
   * `stack.newShopper`); event streams that end after a second of quiet, with a heartbeat
   * every 0.25 s; /webhooks/payments with small per-address budgets (tests speak from
   * addresses of their own behind one trusted proxy hop; the simulated provider posts from
   * 127.0.0.1 with none); private targets refused for outbound webhooks. One stack for all
   * of them: each start costs a worker, a stack and a browser.
   */
  productionDoors: {
    ...MANY_CLIENTS_ONE_ADDRESS,
    TEST_CONTROLS_TOKEN: "",
    SSE_HEARTBEAT_SECONDS: "0.25",
    SSE_MAX_IDLE_SECONDS: "1",
    TRUSTED_PROXY_HOPS: "1",
    WEBHOOK_FAILED_SIGNATURES_PER_MINUTE: "25",
    WEBHOOK_RATE_LIMIT_PER_MINUTE: "30",
    WEBHOOK_ALLOW_PRIVATE_TARGETS: "false",
    WEBHOOK_RETRY_SCHEDULE: "1s",
  },
} as const satisfies Record<string, Record<string, string>>;

type WorkerFixtures = { stackEnv: Record<string, string>; stack: Stack };
type TestFixtures = { shopper: Shopper; api: Api; admin: Admin; events: Events };

export const test = base.extend<TestFixtures, WorkerFixtures>({
  stackEnv: [MANY_CLIENTS_ONE_ADDRESS, { scope: "worker", option: true }],
  stack: [
    async ({ stackEnv }, use) => {
      const stack = await startStack(stackEnv);
      try {
        await use(stack);
      } finally {
        await stack.stop();
      }
    },
    { scope: "worker", timeout: 120_000 },
  ],
  shopper: async ({ stack }, use) => {
    await use(await stack.newShopper());
  },
  api: async ({ stack, shopper }, use) => {
    await use({
      shopper,
      postOrder: (body, headers) => postOrder(stack, shopper, body, headers),
      placeOrder: (body) => placeOrder(stack, shopper, body),
      getOrder: (orderId) => getOrder(stack, shopper, orderId),
      waitForStatus: (orderId, statuses, timeoutMs) => waitForStatus(stack, shopper, orderId, statuses, timeoutMs),
    });
  },
  admin: async ({ stack }, use) => {
    const shopper = await stack.newShopper({ admin: true });
    await use({
      shopper,
      query: (path, input) => adminCall(stack, "query", path, input, shopper.headers),
      mutation: (path, input) => adminCall(stack, "mutation", path, input, shopper.headers),
    });
  },
  events: async ({ stack }, use) => {
    const opened: SseConnection[] = [];
    await use({
      async open(path, headers) {
        const connection = await openEventStream(`${stack.baseURL}${path}`, headers);
        opened.push(connection);
        return connection;
      },
    });
    for (const connection of opened) connection.close();
  },
});

export type SharedStack = keyof typeof SHARED_STACKS;

/**
 * Runs this file on the shared stack `name`, after or before the other files that name it and
 * never beside them: all of them hold a Playwright lock of that name. Without it, Playwright
 * hands the next file of a group to whichever worker is free, so two files of one group often
 * ran at once, each worker starting (and paying for) a stack of the same environment: about
 * 10 s of CPU for the worker, its stack and its browser (decision 040). With the lock, the free worker takes another group's file instead, and the
 * group's next file goes to the worker that already has its stack.
 */
export function useSharedStack(name: SharedStack): void {
  test.use({ stackEnv: SHARED_STACKS[name] });
  test.describe.configure({ lock: `stack:${name}` });
}

/**
 * For a file that reads the whole shop: runs it on the shared stack `name` and, before its
 * first test, lets the previous file's work finish and resets the shop (docs/testing.md).
 * Call it at the top of the file, before its own hooks. Its tests stay in one worker.
 */
export function startFromCleanShop(name: SharedStack): void {
  useSharedStack(name);
  test.beforeAll(async ({ stack }) => {
    await stack.resetShop();
  });
}

export { expect };
