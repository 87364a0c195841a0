import { verifyPassword } from "better-auth/crypto";
import { and, eq } from "drizzle-orm";
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { authAccounts, authSessions, shoppers } from "@/server/db/schema";
import { newId } from "@/server/ids";
import { useServiceDatabase } from "@/tests/support/service-database";

const svc = useServiceDatabase();
const ROOT = path.resolve(import.meta.dirname, "..");
// Each call starts a Node process that loads TypeScript through tsx: seconds on a busy machine.
const CLI_TIMEOUT_MS = 120_000;

/** `npm run admin -- …args` against the test database, with `stdin` piped in (as `printf … | npm run admin` does). */
function admin(args: string[], stdin = ""): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join(ROOT, "scripts/admin.ts"), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: svc().url },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, output })));
}

async function passwordHash(shopperId: string): Promise<string | null> {
  const [row] = await svc().db.select({ hash: authAccounts.password }).from(authAccounts).where(and(eq(authAccounts.userId, shopperId), eq(authAccounts.providerId, "credential")));
  return row?.hash ?? null;
}

describe("npm run admin", () => {
  it("set-password reads the password from stdin, sets it and signs the account's sessions out; a short one changes nothing", { timeout: CLI_TIMEOUT_MS }, async () => {
    const { db, newShopperId } = svc();
    const id = await newShopperId();
    const [{ email }] = (await db.select({ email: shoppers.email }).from(shoppers).where(eq(shoppers.id, id))) as [{ email: string }];
    await db.insert(authSessions).values({ id: newId("ses"), token: `tok_${id}`, userId: id, expiresAt: new Date(Date.now() + 3_600_000) });

    const refused = await admin(["set-password", "--email", email], "too-short\n");
    expect(refused.code, refused.output).toBe(1);
    expect(refused.output).toContain("12+ characters");
    expect(await passwordHash(id)).toBeNull();

    const set = await admin(["set-password", "--email", email], "a-rotated-password\n");
    expect(set.code, set.output).toBe(0);
    expect(set.output).toContain(`password set for ${email}; 1 session(s) signed out`);
    expect(await verifyPassword({ hash: (await passwordHash(id))!, password: "a-rotated-password" })).toBe(true);
    expect(await db.select().from(authSessions).where(eq(authSessions.userId, id))).toEqual([]);
  });

  it("promote makes an existing account an admin; an unknown address is an error", { timeout: CLI_TIMEOUT_MS }, async () => {
    const { db, newShopperId } = svc();
    const id = await newShopperId();
    const [{ email }] = (await db.select({ email: shoppers.email }).from(shoppers).where(eq(shoppers.id, id))) as [{ email: string }];
    const promoted = await admin(["promote", "--email", email]);
    expect(promoted.code, promoted.output).toBe(0);
    expect((await db.select({ role: shoppers.role }).from(shoppers).where(eq(shoppers.id, id)))[0]?.role).toBe("admin");

    const unknown = await admin(["promote", "--email", "nobody@example.test"]);
    expect(unknown.code).toBe(1);
    expect(unknown.output).toContain("no account with the email nobody@example.test");
  });
});
