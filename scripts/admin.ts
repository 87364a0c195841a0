/**
 * Operator commands for accounts (docs/security.md):
 *   npm run admin -- set-password --email <email>   sets the account's password, read from
 *       stdin (typed without echo on a terminal, or piped), so it stays out of shell history
 *       and process lists; every session of the account is signed out.
 *   npm run admin -- promote --email <email>        makes an existing account an admin.
 * Uses DATABASE_URL, or the embedded Postgres of `npm run dev` when it is unset.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { findAccountByEmail, normalizeEmail } from "@/server/auth/find-account-by-email";
import { promoteAdmin } from "@/server/auth/promote-admin";
import { setAccountPassword } from "@/server/auth/set-account-password";
import { createDatabase, type Database } from "@/server/db/client";
import { MIN_ADMIN_PASSWORD_LENGTH } from "@/server/env";
import { loadConfiguration, openDatabase } from "./process-startup";

const USAGE = "usage: npm run admin -- set-password --email <email>  (the password on stdin) | promote --email <email>";

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { email: { type: "string" } } });
  const [command, ...rest] = positionals;
  const email = z.string().email().safeParse(values.email);
  if ((command !== "set-password" && command !== "promote") || rest.length > 0 || !email.success) fail(USAGE, 2);

  const config = loadConfiguration("admin");
  // Read before connecting: a prompt should not wait behind a database start.
  const password = command === "set-password" ? await readNewPassword(email.data) : undefined;
  const database = await openDatabase(config);
  const { db, pool } = createDatabase(database.url, 1);
  try {
    if (password !== undefined) await setPassword(db, email.data, password, config.ADMIN_EMAIL);
    else await promote(db, email.data);
  } finally {
    await pool.end();
    await database.stop();
  }
}

async function setPassword(db: Database, email: string, password: string, seededAdmin: string | undefined): Promise<void> {
  const account = await findAccountByEmail(db, email);
  if (!account) fail(`[admin] no account with the email ${email}`, 1);
  const { sessionsRevoked } = await setAccountPassword(db, account.id, password);
  console.log(`[admin] password set for ${email}; ${sessionsRevoked} session(s) signed out`);
  if (seededAdmin && normalizeEmail(seededAdmin) === normalizeEmail(email)) {
    console.log("[admin] this is the seeded admin (ADMIN_EMAIL): the next start applies ADMIN_PASSWORD again, so set it to the new password too");
  }
}

async function promote(db: Database, email: string): Promise<void> {
  const outcome = await promoteAdmin(db, email);
  if (outcome === "no_account") fail(`[admin] no account with the email ${email}`, 1);
  console.log(outcome === "promoted" ? `[admin] ${email} is now an admin` : `[admin] ${email} already is an admin`);
}

async function readNewPassword(email: string): Promise<string> {
  const password = process.stdin.isTTY ? await promptTwice(email) : await readPipedLine();
  if (password.length < MIN_ADMIN_PASSWORD_LENGTH) fail(`[admin] the password must have ${MIN_ADMIN_PASSWORD_LENGTH}+ characters`, 1);
  return password;
}

async function promptTwice(email: string): Promise<string> {
  const first = await readHidden(`New password for ${email}: `);
  const second = await readHidden("Again: ");
  if (first !== second) fail("[admin] the two passwords differ; nothing changed", 1);
  return first;
}

/** The whole of stdin, less its final line break: `printf '%s\n' "$PASSWORD" | npm run admin -- …`. */
async function readPipedLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
  if (/[\r\n]/.test(text)) fail("[admin] stdin holds more than one line; send the password alone", 1);
  return text;
}

/** One line from the terminal, not echoed. */
function readHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding("utf8");
  stdin.resume();
  return new Promise((resolve) => {
    let value = "";
    const finish = (result: string | undefined) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
      if (result === undefined) fail("[admin] cancelled; nothing changed", 130);
      resolve(result);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n") return finish(value);
        if (char === "\u0003" || char === "\u0004") return finish(undefined);
        value = char === "\u007f" || char === "\b" ? value.slice(0, -1) : value + char;
      }
    };
    stdin.on("data", onData);
  });
}

function fail(message: string, code: number): never {
  console.error(message);
  process.exit(code);
}

main().catch((err) => {
  console.error("[admin]", err instanceof Error ? err.message : err);
  process.exit(1);
});
