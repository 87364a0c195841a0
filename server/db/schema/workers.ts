import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Each worker process beats here; /api/health counts the live ones. */
export const workerHeartbeats = pgTable("worker_heartbeats", {
  id: text("id").primaryKey(),
  pid: integer("pid").notNull(),
  hostname: text("hostname").notNull(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
  lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
});
