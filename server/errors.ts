import "server-only";
/**
 * Errors a service can raise on purpose. Each carries the HTTP status and the stable `code`
 * of the contract's error body `{ error: { code, message, details? } }`; tRPC maps them too.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const badRequest = (message: string, details?: unknown) => new AppError(400, "invalid_request", message, details);
export const unauthorized = (message = "Missing or invalid credentials.") => new AppError(401, "unauthorized", message);
export const forbidden = (message: string) => new AppError(403, "forbidden", message);
export const notFound = (message = "Not found.") => new AppError(404, "not_found", message);
export const conflict = (code: string, message: string, details?: unknown) => new AppError(409, code, message, details);
export const unprocessable = (code: string, message: string, details?: unknown) => new AppError(422, code, message, details);
export const rateLimited = (retryAfterSeconds: number, message = `Too many requests. Retry after ${retryAfterSeconds} s.`) =>
  new AppError(429, "rate_limited", message, undefined, {
    "Retry-After": String(retryAfterSeconds),
  });
/** What every entry point (REST, tRPC) answers while `isDatabaseUnavailable` holds. */
export const databaseUnavailable = () =>
  new AppError(503, "database_unavailable", "The database is unavailable; nothing was written. Retry shortly.", undefined, { "Retry-After": "5" });

/** Postgres/driver errors that mean "the database is unreachable", not "your request is bad". */
const UNAVAILABLE_CODES = new Set([
  ...["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"],
  // admin_shutdown, crash_shutdown, cannot_connect_now, idle_session_timeout; too_many_connections; connection_exception (08xxx)
  ...["57P01", "57P02", "57P03", "57P05", "53300", "08000", "08001", "08003", "08004", "08006", "08007"],
]);

/**
 * How node-postgres and pg-pool word a connection that is gone, when they give no code: ended
 * by the server mid-transaction, unusable after an error, a pool that cannot connect.
 */
const CONNECTION_LOST =
  /Connection terminated|Client has encountered a connection error|Client was closed and is not queryable|terminating connection|server closed the connection|timeout exceeded when trying to connect|connect ECONNREFUSED|read ECONNRESET|write EPIPE/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const { code, severity } = err as { code?: string; severity?: string };
  if (code && UNAVAILABLE_CODES.has(code)) return true;
  // FATAL is how Postgres refuses or ends a session (shutting down, not accepting connections…).
  if (severity === "FATAL") return true;
  if (CONNECTION_LOST.test(err.message)) return true;
  const cause = (err as { cause?: unknown }).cause;
  return cause !== undefined && cause !== err && isDatabaseUnavailable(cause);
}
