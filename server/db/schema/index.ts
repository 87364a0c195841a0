/*
 * No `import "server-only"` in the schema files: drizzle-kit (`npm run db:generate`) loads them
 * in plain Node, where server-only throws. They hold table definitions only, no secrets or I/O.
 */
export * from "./catalog";
export * from "./shoppers";
export * from "./orders";
export * from "./idempotency";
export * from "./payments";
export * from "./fulfilment";
export * from "./simulators";
export * from "./workers";
export * from "./admin";
export * from "./auth";
export * from "./carts";
export * from "./admin-rollups";
export * from "./reviews";
export * from "./webhooks";
export * from "./batches";
export * from "./traces";
export * from "./shopper-measurements";
