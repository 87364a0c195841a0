/**
 * API keys from the command line (docs/api.md#authentication). Uses DATABASE_URL, or the
 * embedded Postgres of `npm run dev` when it is unset.
 *
 *   npm run api-key -- create --email <email> [--admin] [--expires-in-days N]
 *       creates the shopper if needed (`--admin` makes them an admin) and prints a new key on
 *       stdout: one line, nothing else.
 *   npm run api-key -- list --email <email>
 *       the shopper's keys: id, prefix, created, last used, expires, revoked.
 *   npm run api-key -- revoke <key id | prefix | key>
 *       the key is refused (401) from then on.
 */
import { parseArgs } from "node:util";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { createApiKey } from "@/server/auth/api-keys";
import { listApiKeys, type ApiKeySummary } from "@/server/auth/list-api-keys";
import { revokeApiKey } from "@/server/auth/revoke-api-key";
import { createDatabase, type Database } from "@/server/db/client";
import { shoppers } from "@/server/db/schema";
import { prepareDatabase } from "@/jobs/prepare-database";
import { loadConfiguration, openDatabase } from "./process-startup";

const USAGE = `usage: npm run api-key -- create --email <email> [--admin] [--expires-in-days N]
       npm run api-key -- list --email <email>
       npm run api-key -- revoke <key id | prefix | key>`;

const email = z.string().email();
const days = z.coerce.number().int().min(1).max(3650);

type Command =
  | { name: "create"; email: string; admin: boolean; expiresInDays?: number }
  | { name: "list"; email: string }
  | { name: "revoke"; reference: string };

function parseCommand(): Command | undefined {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { email: { type: "string" }, admin: { type: "boolean" }, "expires-in-days": { type: "string" } } });
  } catch {
    return undefined; // an unknown or malformed option
  }
  const { positionals, values } = parsed;
  const [name, ...rest] = positionals;
  if (name === "create" && rest.length === 0) {
    const address = email.safeParse(values.email);
    const expiry = values["expires-in-days"] === undefined ? undefined : days.safeParse(values["expires-in-days"]);
    if (!address.success || (expiry && !expiry.success)) return undefined;
    return { name, email: address.data, admin: values.admin ?? false, expiresInDays: expiry?.data };
  }
  if (name === "list" && rest.length === 0 && !values.admin && values["expires-in-days"] === undefined) {
    const address = email.safeParse(values.email);
    return address.success ? { name, email: address.data } : undefined;
  }
  if (name === "revoke" && rest.length === 1 && rest[0] && values.email === undefined && !values.admin && values["expires-in-days"] === undefined) {
    return { name, reference: rest[0] };
  }
  return undefined;
}

/** Runs the command; what it prints on stdout is its answer, and the exit code says whether it did what was asked. */
async function run(db: Database, command: Command): Promise<{ stdout: string; exitCode: number }> {
  switch (command.name) {
    case "create": {
      const { key, shopper } = await createApiKey(db, command.email, { expiresInDays: command.expiresInDays });
      if (command.admin) await db.update(shoppers).set({ role: "admin" }).where(eq(shoppers.id, shopper.id));
      return { stdout: `${key}\n`, exitCode: 0 };
    }
    case "list": {
      const [shopper] = await db.select().from(shoppers).where(eq(shoppers.email, command.email.trim().toLowerCase()));
      if (!shopper) {
        console.error(`No shopper with the email ${command.email}.`);
        return { stdout: "", exitCode: 1 };
      }
      return { stdout: formatKeys(await listApiKeys(db, shopper.id)), exitCode: 0 };
    }
    case "revoke": {
      const outcome = await revokeApiKey(db, command.reference);
      switch (outcome.kind) {
        case "revoked":
          return { stdout: `revoked ${outcome.key.id} (${outcome.key.prefix}…)\n`, exitCode: 0 };
        case "already_revoked":
          return { stdout: `${outcome.key.id} (${outcome.key.prefix}…) was already revoked on ${outcome.key.revokedAt?.toISOString()}\n`, exitCode: 0 };
        case "ambiguous":
          console.error(`More than one key starts with ${command.reference}: revoke it by its id (see \`list\`).`);
          return { stdout: "", exitCode: 1 };
        case "not_found":
          console.error(`No API key ${command.reference}.`);
          return { stdout: "", exitCode: 1 };
      }
    }
  }
}

function formatKeys(keys: ApiKeySummary[]): string {
  const at = (date: Date | null) => date?.toISOString() ?? "-";
  const rows = [["id", "prefix", "created", "last_used", "expires", "revoked"], ...keys.map((k) => [k.id, k.prefix, at(k.createdAt), at(k.lastUsedAt), at(k.expiresAt), at(k.revokedAt)])];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd()).join("\n") + "\n";
}

async function main(): Promise<void> {
  const command = parseCommand();
  if (!command) {
    console.error(USAGE);
    process.exit(2);
  }
  // Progress messages go to stderr so stdout carries only the answer (for create: the key).
  console.log = console.error;
  const config = loadConfiguration("api-key");
  const database = await openDatabase(config);
  // DATABASE_URL names a database the app prepares; the embedded one may be new.
  if (database.embedded) await prepareDatabase(database.url, { seed: config.SEED });
  const { db, pool } = createDatabase(database.url, 1);
  const { stdout, exitCode } = await run(db, command).finally(async () => {
    await pool.end();
    await database.stop();
  });
  process.stdout.write(stdout);
  process.exitCode = exitCode;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
