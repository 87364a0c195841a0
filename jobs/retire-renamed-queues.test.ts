import { describe, expect, it } from "vitest";
import { useServiceDatabase } from "@/tests/support/service-database";
import { deadLetterQueue } from "./queues";
import { retireRenamedQueues } from "./retire-renamed-queues";

const svc = useServiceDatabase();

describe("queues of the old names, on a database set up before decision 031", () => {
  it("their waiting jobs and dead letters move to their steps' queues, the old queues go, and a second run changes nothing", async () => {
    const { db, boss } = svc();
    for (const old of ["payment.charge", "email.notification"]) {
      await boss.createQueue(`${old}.dead`, { policy: "standard" });
      await boss.createQueue(old, { policy: "standard", retryLimit: 0, deadLetter: `${old}.dead` });
    }
    // A job that exhausted its retries under the old name: dead-lettered by pg-boss itself.
    await boss.send("payment.charge", { orderId: "ord_dead" });
    const [failing] = await boss.fetch("payment.charge");
    expect(failing!.data).toEqual({ orderId: "ord_dead" });
    await boss.fail("payment.charge", failing!.id, { message: "provider down" });
    // Jobs still waiting under the old names.
    const waiting = await boss.send("payment.charge", { orderId: "ord_waiting" });
    const toShopper = await boss.send("email.notification", { orderId: "ord_n", template: "backordered", to: "shopper" });
    const toWarehouse = await boss.send("email.notification", { orderId: "ord_n", template: "backordered", to: "warehouse" });

    expect(await retireRenamedQueues(db, boss)).toBe(4);

    const names = (await boss.getQueues()).map((q) => q.name);
    for (const old of ["payment.charge", "payment.charge.dead", "email.notification", "email.notification.dead"]) expect(names).not.toContain(old);
    expect((await boss.getJobById("chargePayment", waiting!))?.data).toEqual({ orderId: "ord_waiting" });
    expect((await boss.getJobById("notifyShopper", toShopper!))?.data).toMatchObject({ to: "shopper" });
    expect((await boss.getJobById("notifyWarehouse", toWarehouse!))?.data).toMatchObject({ to: "warehouse" });
    const [dead] = await boss.findJobs(deadLetterQueue("chargePayment"), { data: { orderId: "ord_dead" }, queued: true });
    expect(dead).toMatchObject({ sourceName: "chargePayment" });

    // The moved dead letter redrives to the step's queue, as any other.
    expect(await boss.redrive(deadLetterQueue("chargePayment"), { ids: [dead!.id], limit: 1 })).toBe(1);
    expect(await boss.findJobs("chargePayment", { data: { orderId: "ord_dead" }, queued: true })).toHaveLength(1);

    expect(await retireRenamedQueues(db, boss)).toBe(0);
  });
});
