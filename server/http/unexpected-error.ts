import "server-only";
import { newId } from "@/server/ids";
import { currentRequestId } from "@/server/telemetry/spans";
import { loggerFor } from "@/server/logging/logger";

const log = loggerFor("api");

/**
 * Logs an error nobody meant to raise (a database error, a bug) with a new request id and
 * returns that id. The client is only ever given the id: such a message can carry SQL, its
 * parameters or a file path.
 */
export function logUnexpectedError(where: string, err: unknown): string {
  // Inside a request's span the id is the span's (it finds the trace); a new one otherwise.
  const requestId = currentRequestId() ?? newId("req");
  log.error({ err, where, request_id: requestId }, "unexpected error");
  return requestId;
}

export const internalErrorMessage = (requestId: string) =>
  `Something went wrong on our side; nothing was written. Quote request id ${requestId} if you report it.`;
