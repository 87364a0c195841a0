/** A database outage as the app sees one, for the duration of `fn`: new connections refused, open ones cut. */
import pg from "pg";
import { adminUrl } from "@/tests/support/test-postgres";
import type { Stack } from "./stack";

export async function whileDatabaseIsDown<T>(stack: Stack, fn: () => Promise<T>): Promise<T> {
  const database = new URL(stack.databaseUrl).pathname.slice(1);
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS false`);
    await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [database]);
    return await fn();
  } finally {
    await admin.query(`ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS true`);
    await admin.end();
  }
}
