import { verifyPassword } from "better-auth/crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { authAccounts, authSessions, shoppers } from "@/server/db/schema";
import { newId } from "@/server/ids";
import { useServiceDatabase } from "@/tests/support/service-database";
import { promoteAdmin } from "./promote-admin";
import { seedAdmin } from "./seed-admin";
import { setAccountPassword } from "./set-account-password";

const svc = useServiceDatabase();
let accounts = 0;

function newEmail(): string {
  return `seed${++accounts}.${Date.now()}@example.test`;
}

async function account(email: string) {
  const [row] = await svc().db.select().from(shoppers).where(eq(shoppers.email, email));
  return row;
}

/** Whether `password` signs in to `email` (better-auth checks the same hash the same way). */
async function signsIn(email: string, password: string): Promise<boolean> {
  const { db } = svc();
  const [credential] = await db
    .select({ hash: authAccounts.password })
    .from(authAccounts)
    .innerJoin(shoppers, eq(shoppers.id, authAccounts.userId))
    .where(and(eq(shoppers.email, email), eq(authAccounts.providerId, "credential")));
  return credential?.hash ? verifyPassword({ hash: credential.hash, password }) : false;
}

async function openSession(shopperId: string): Promise<string> {
  const id = newId("ses");
  await svc().db.insert(authSessions).values({ id, token: `tok_${id}`, userId: shopperId, expiresAt: new Date(Date.now() + 3_600_000) });
  return id;
}

async function sessionsOf(shopperId: string): Promise<number> {
  return (await svc().db.select().from(authSessions).where(eq(authSessions.userId, shopperId))).length;
}

/** Someone registers `email` through the sign-up page: a shopper with their own password. */
async function registerShopper(email: string, password: string): Promise<string> {
  const { db } = svc();
  const id = newId("usr");
  await db.insert(shoppers).values({ id, email, name: "Someone" });
  await setAccountPassword(db, id, password);
  return id;
}

describe("the seeded admin: ADMIN_EMAIL / ADMIN_PASSWORD applied on every start", () => {
  it("creates the admin, then rotates its password when ADMIN_PASSWORD changes, signing its sessions out", async () => {
    const { db } = svc();
    const email = newEmail();
    expect(await seedAdmin(db, email, "first-admin-password")).toBe("created");
    const admin = (await account(email))!;
    expect(admin.role).toBe("admin");
    expect(await signsIn(email, "first-admin-password")).toBe(true);

    // A restart with the same variables changes nothing: sessions stay.
    await openSession(admin.id);
    expect(await seedAdmin(db, email, "first-admin-password")).toBe("unchanged");
    expect(await sessionsOf(admin.id)).toBe(1);

    // A restart with a new ADMIN_PASSWORD: the old one stops working, and so do sessions opened with it.
    expect(await seedAdmin(db, email, "second-admin-password")).toBe("password_set");
    expect(await signsIn(email, "second-admin-password")).toBe(true);
    expect(await signsIn(email, "first-admin-password")).toBe(false);
    expect(await sessionsOf(admin.id)).toBe(0);
  });

  it("never promotes an account someone else registered with that address: it keeps its role and password until the operator promotes it", async () => {
    const { db } = svc();
    const email = newEmail();
    const squatter = await registerShopper(email, "the-squatters-password");

    expect(await seedAdmin(db, email.toUpperCase(), "the-operators-password")).toBe("not_promoted");
    expect((await account(email))?.role).toBe("shopper");
    expect(await signsIn(email, "the-squatters-password")).toBe(true);
    expect(await signsIn(email, "the-operators-password")).toBe(false);

    // The operator decides it is theirs: from then on the environment is the source of truth.
    expect(await promoteAdmin(db, email)).toBe("promoted");
    expect(await promoteAdmin(db, email)).toBe("already_admin");
    expect(await seedAdmin(db, email, "the-operators-password")).toBe("password_set");
    expect(await signsIn(email, "the-operators-password")).toBe(true);
    expect((await account(email))?.id).toBe(squatter);
  });
});

describe("setAccountPassword", () => {
  it("gives a password to an account that had none, and signs out every session of that account only", async () => {
    const { db, newShopperId } = svc();
    const [target, bystander] = [await newShopperId(), await newShopperId()];
    await openSession(target);
    await openSession(target);
    await openSession(bystander);
    expect(await setAccountPassword(db, target, "a-new-long-password")).toEqual({ sessionsRevoked: 2 });
    expect(await sessionsOf(target)).toBe(0);
    expect(await sessionsOf(bystander)).toBe(1);
    const [row] = await db.select({ email: shoppers.email }).from(shoppers).where(eq(shoppers.id, target));
    expect(await signsIn(row!.email, "a-new-long-password")).toBe(true);
  });
});
