import { describe, expect, it, vi } from "vitest";
import { capturedLogs } from "@/tests/support/captured-logs";
import { useServiceDatabase } from "@/tests/support/service-database";
import { dueQueues, watchDueJobs } from "./due-job-watcher";

vi.mock("@/server/logging/logger", async () => (await import("@/tests/support/captured-logs")).capturingLoggerModule);

const svc = useServiceDatabase();

/** Decision 049: one look over every queue finds the ones holding a job a worker could take now. */
describe("the due-job watcher", () => {
  it("names the queues with a due job, not those whose jobs wait for a later time, are taken, or are none", async () => {
    const { boss, pool } = svc();
    const watched = ["createInvoice", "createShipment", "notifyWarehouse", "reversePayment"];
    expect(await dueQueues(pool, watched)).toEqual([]);
    await boss.send("createShipment", { orderId: "ord_due" });
    await boss.send("createInvoice", { orderId: "ord_later" }, { startAfter: 3600 });
    // A job a worker already holds is not waiting.
    await boss.send("reversePayment", { orderId: "ord_taken" });
    expect(await boss.fetch("reversePayment")).toHaveLength(1);
    expect(await dueQueues(pool, watched)).toEqual(["createShipment"]);
    // A queue nobody watches is not named, whatever it holds.
    expect(await dueQueues(pool, ["createInvoice"])).toEqual([]);
  });

  it("wakes the worker of each queue with a due job, again on every look", async () => {
    const { boss, pool } = svc();
    await boss.send("notifyShopper", { orderId: "ord_waiting", template: "backordered", to: "shopper" });
    const woken: string[] = [];
    const watcher = watchDueJobs({ pool, queues: ["notifyShopper", "createInvoice"], intervalMs: 10, wake: (queue) => woken.push(queue) });
    try {
      await expect.poll(() => woken.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
      expect(new Set(woken)).toEqual(new Set(["notifyShopper"]));
    } finally {
      await watcher.stop();
    }
  });

  it("stop waits for the look in flight and schedules none after it", async () => {
    vi.useFakeTimers();
    try {
      let release: (rows: { name: string }[]) => void = () => {};
      const query = vi.fn(() => new Promise<{ rows: { name: string }[] }>((resolve) => (release = (rows) => resolve({ rows }))));
      const woken: string[] = [];
      const watcher = watchDueJobs({ pool: { query } as never, queues: ["createInvoice"], intervalMs: 500, wake: (queue) => woken.push(queue) });
      await vi.advanceTimersByTimeAsync(500);
      expect(query).toHaveBeenCalledTimes(1);
      let stopped = false;
      const stopping = watcher.stop().then(() => (stopped = true));
      await vi.advanceTimersByTimeAsync(0);
      expect(stopped).toBe(false);
      release([{ name: "createInvoice" }]);
      await stopping;
      // The look that was in flight still wakes its queue; nothing is looked at after it.
      expect(woken).toEqual(["createInvoice"]);
      await vi.advanceTimersByTimeAsync(5_000);
      expect(query).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps looking after a failed look", async () => {
    const { pool } = svc();
    let calls = 0;
    const flaky = {
      query: ((...args: Parameters<typeof pool.query>) => {
        calls += 1;
        if (calls === 1) return Promise.reject(new Error("connection lost"));
        return (pool.query as (...a: unknown[]) => unknown)(...args);
      }) as typeof pool.query,
    };
    const watcher = watchDueJobs({ pool: flaky, queues: ["createInvoice"], intervalMs: 10, wake: () => {} });
    try {
      await expect.poll(() => calls, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    } finally {
      await watcher.stop();
    }
    // The failure is told, not swallowed.
    expect(capturedLogs.filter((line) => line.level === "warn").map((line) => [line.msg, (line.fields.err as Error).message])).toEqual([
      ["looking for due jobs failed; trying again", "connection lost"],
    ]);
  });
});
