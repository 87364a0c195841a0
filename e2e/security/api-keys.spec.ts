/**
 * API keys can expire and be revoked, and a banned shopper's keys stop working — over HTTP
 * (REST and tRPC: 401), with the keys managed by `npm run api-key` as an operator would.
 */
import { expect, test } from "../support/fixtures";
import type { Stack } from "../support/stack";
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { eq } from "drizzle-orm";
import { apiKeys, shoppers } from "@/server/db/schema";

// Each test keeps to its own shopper and orders: they run on any worker, in any order.
test.describe.configure({ mode: "parallel" });

const ROOT = path.resolve(import.meta.dirname, "../..");

/** `npm run api-key -- <args>` against the stack's database; stdout and the exit code. */
async function apiKeyCli(stack: Stack, ...args: string[]): Promise<{ stdout: string; code: number }> {
  // --silent: `npm test --loglevel=warn` (as CI runs it) passes its log level down through
  // npm_config_loglevel, which would add npm's "> conveyor api-key" banner to stdout.
  try {
    const { stdout } = await promisify(execFile)("npm", ["run", "--silent", "api-key", "--", ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: stack.databaseUrl } });
    return { stdout, code: 0 };
  } catch (err) {
    const failed = err as { stdout?: string; code?: number };
    return { stdout: failed.stdout ?? "", code: failed.code ?? 1 };
  }
}

async function status(stack: Stack, key: string): Promise<{ rest: number; trpc: number }> {
  const headers = { Authorization: `Bearer ${key}` };
  const rest = await fetch(`${stack.baseURL}/api/orders`, { headers });
  const trpc = await fetch(`${stack.baseURL}/api/trpc/orders.list`, { headers });
  return { rest: rest.status, trpc: trpc.status };
}

test("create, list and revoke from the command line: a revoked key is a 401, the shopper's other keys are not", async ({ stack }) => {
  test.setTimeout(240_000); // four runs of the command, each a fresh Node process
  const email = `cli.${Date.now()}@example.test`;
  const created = await apiKeyCli(stack, "create", "--email", email);
  expect(created.code).toBe(0);
  // The contract: one line on stdout, the key, nothing else.
  expect(created.stdout).toMatch(/^cvk_[A-Za-z0-9_-]{43}\n$/);
  const revoked = created.stdout.trim();
  const expiring = await apiKeyCli(stack, "create", "--email", email, "--expires-in-days", "30");
  expect(expiring.stdout).toMatch(/^cvk_[A-Za-z0-9_-]{43}\n$/);
  const kept = expiring.stdout.trim();
  expect(await status(stack, revoked)).toEqual({ rest: 200, trpc: 200 });

  const listed = await apiKeyCli(stack, "list", "--email", email);
  expect(listed.code).toBe(0);
  const [header, ...rows] = listed.stdout.trim().split("\n");
  expect(header!.split(/\s+/)).toEqual(["id", "prefix", "created", "last_used", "expires", "revoked"]);
  expect(rows).toHaveLength(2);
  expect(listed.stdout).not.toContain(revoked);
  const row = rows.find((r) => r.includes(revoked.slice(0, 10)))!.split(/\s+/);
  expect(row[0]).toMatch(/^key_/);
  expect(row[3]).toMatch(/^\d{4}-/); // last used: just now
  expect(row[4]).toBe("-"); // never expires
  expect(row[5]).toBe("-"); // not revoked

  const revocation = await apiKeyCli(stack, "revoke", revoked.slice(0, 10));
  expect(revocation.code).toBe(0);
  expect(revocation.stdout).toContain(`revoked ${row[0]}`);
  expect(await status(stack, revoked)).toEqual({ rest: 401, trpc: 401 });
  expect(await status(stack, kept)).toEqual({ rest: 200, trpc: 200 });
});

test("an expired key is a 401; a banned shopper's keys are 401s until the ban ends; others are unaffected", async ({ stack }) => {
  const expiring = await stack.newShopper();
  const banned = await stack.newShopper();
  const bystander = await stack.newShopper();
  for (const shopper of [expiring, banned, bystander]) expect(await status(stack, shopper.apiKey)).toEqual({ rest: 200, trpc: 200 });

  await stack.db.update(apiKeys).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiKeys.shopperId, expiring.id));
  expect(await status(stack, expiring.apiKey)).toEqual({ rest: 401, trpc: 401 });

  await stack.db.update(shoppers).set({ banned: true, banReason: "abuse" }).where(eq(shoppers.id, banned.id));
  expect(await status(stack, banned.apiKey)).toEqual({ rest: 401, trpc: 401 });
  const refused = await fetch(`${stack.baseURL}/api/orders`, { headers: banned.headers });
  expect((await refused.json()).error.code).toBe("unauthorized");
  await stack.db.update(shoppers).set({ banExpires: new Date(Date.now() - 1000) }).where(eq(shoppers.id, banned.id));
  expect(await status(stack, banned.apiKey)).toEqual({ rest: 200, trpc: 200 });

  expect(await status(stack, bystander.apiKey)).toEqual({ rest: 200, trpc: 200 });
});
