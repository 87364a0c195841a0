import "server-only";
import path from "node:path";

/** Where drizzle's migrations live: prepare-database applies them, a migration test copies them. */
export const MIGRATIONS_FOLDER = path.resolve(process.cwd(), "server/db/migrations");
