/**
 * For machines (or CI runners) without a Postgres server: runs the embedded one on
 * TEST_PG_PORT (default 54330) until SIGTERM, printing the admin URL for TEST_DATABASE_URL.
 */
import { ensureEmbeddedPostgres } from "@/server/db/embedded-postgres";

const port = Number(process.env.TEST_PG_PORT ?? 54330);
const server = await ensureEmbeddedPostgres(".data/test", port);
const admin = new URL(server.url);
admin.pathname = "/postgres";
console.log(admin.toString());
const stop = () => void server.stop().finally(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
setInterval(() => {}, 1 << 30);
