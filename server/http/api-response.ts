import "server-only";
import { AppError, databaseUnavailable, isDatabaseUnavailable } from "@/server/errors";
import { currentRequestId } from "@/server/telemetry/spans";
import { internalErrorMessage, logUnexpectedError } from "./unexpected-error";

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...headers },
  });
}

/**
 * The contract's error body. Inside a request's span it names the request (`request_id` and
 * `X-Request-Id`: trace id and span id, decision 034), so whoever quotes it finds the trace.
 */
export function errorResponse(status: number, code: string, message: string, details?: unknown, headers: Record<string, string> = {}): Response {
  const requestId = headers["X-Request-Id"] ?? currentRequestId();
  const error = { code, message, ...(details === undefined ? {} : { details }), ...(requestId ? { request_id: requestId } : {}) };
  return json(status, { error }, requestId ? { "X-Request-Id": requestId, ...headers } : headers);
}

/** Turns any thrown error into the contract's error body; never a stack trace. */
export function toErrorResponse(err: unknown): Response {
  if (err instanceof AppError) return errorResponse(err.status, err.code, err.message, err.details, err.headers);
  if (isDatabaseUnavailable(err)) return toErrorResponse(databaseUnavailable());
  const requestId = logUnexpectedError("api", err);
  return errorResponse(500, "internal_error", internalErrorMessage(requestId), { request_id: requestId }, { "X-Request-Id": requestId });
}

type Handler<C> = (request: Request, context: C) => Promise<Response>;

/** Wraps a route handler so every failure answers with the contract's error body. */
export function apiRoute<C>(handler: Handler<C>): Handler<C> {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (err) {
      return toErrorResponse(err);
    }
  };
}
