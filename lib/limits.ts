/**
 * Limits the browser's code and the server must agree on (client-safe: no server imports).
 * The server's own limits are configuration (server/env.ts, .env.example).
 */

/** Calls the browser's tRPC client puts in one batch; the server's cap (TRPC_MAX_BATCH_SIZE) is never lower. */
export const TRPC_CLIENT_BATCH_SIZE = 10;

/** Longest display name an account may have (sign-up and profile updates). */
export const MAX_NAME_LENGTH = 100;

/** Most units of one SKU on one order line (the contract's schemas and the cart's input agree on it). */
export const MAX_LINE_QUANTITY = 1000;
