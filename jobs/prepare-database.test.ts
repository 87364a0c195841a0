import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { capturedLogs } from "@/tests/support/captured-logs";
import { setAccountPassword } from "@/server/auth/set-account-password";
import { shoppers } from "@/server/db/schema";
import { newId } from "@/server/ids";
import { useServiceDatabase } from "@/tests/support/service-database";
import { seedConfiguredAdmin } from "./prepare-database";

vi.mock("@/server/logging/logger", async () => (await import("@/tests/support/captured-logs")).capturingLoggerModule);

const svc = useServiceDatabase();

afterEach(() => {
  vi.restoreAllMocks();
  capturedLogs.length = 0;
});

async function admins(): Promise<number> {
  return (await svc().db.select().from(shoppers).where(eq(shoppers.role, "admin"))).length;
}

describe("the admin seeded on start", () => {
  it("ADMIN_EMAIL held by someone else's account: not promoted, and one error line tells the operator how to resolve it", async () => {
    const { db } = svc();
    const email = `registered.${Date.now()}@example.test`;
    const id = newId("usr");
    await db.insert(shoppers).values({ id, email, name: "Someone" });
    await setAccountPassword(db, id, "the-squatters-password");
    const before = await admins();

    await seedConfiguredAdmin(db, { ADMIN_EMAIL: email, ADMIN_PASSWORD: "the-operators-password" });
    expect(await admins()).toBe(before);
    const errors = capturedLogs.filter((l) => l.level === "error");
    expect(errors).toHaveLength(1);
    const line = errors[0]!.msg;
    expect(line).not.toContain("\n");
    expect(line).toContain(`ADMIN_EMAIL ${email} belongs to an existing account that is not an admin`);
    expect(line).toContain(`npm run admin -- promote --email ${email}`);
  });

  it("without ADMIN_EMAIL (production's default) seeds nobody, and says so", async () => {
    const before = await admins();
    await seedConfiguredAdmin(svc().db, { ADMIN_EMAIL: undefined, ADMIN_PASSWORD: undefined });
    expect(capturedLogs).toContainEqual({ level: "info", fields: {}, msg: "ADMIN_EMAIL is not set: no admin account is seeded" });
    expect(await admins()).toBe(before);
  });
});
