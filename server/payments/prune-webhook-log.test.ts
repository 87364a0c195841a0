import { inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { webhookLog } from "@/server/db/schema";
import { useServiceDatabase } from "@/tests/support/service-database";
import { pruneWebhookLog } from "./prune-webhook-log";

const svc = useServiceDatabase();
const DAY = 86_400_000;

describe("pruneWebhookLog", () => {
  it("deletes the rows older than the retention and keeps the rest; a second run deletes nothing", async () => {
    const { db } = svc();
    const row = (ageDays: number, detail: string) => ({ outcome: "processed" as const, payload: "{}", detail, receivedAt: new Date(Date.now() - ageDays * DAY) });
    await db.insert(webhookLog).values([row(45, "old"), row(30.5, "just past"), row(29.5, "just inside"), row(0, "new")]);

    expect(await pruneWebhookLog(db, 30)).toBe(2);
    expect(await pruneWebhookLog(db, 30)).toBe(0);
    const left = await db.select({ detail: webhookLog.detail }).from(webhookLog).where(inArray(webhookLog.detail, ["old", "just past", "just inside", "new"]));
    expect(left.map((r) => r.detail).sort()).toEqual(["just inside", "new"]);
  });
});
