import "server-only";
import { errorResponse } from "./api-response";

/** Any /api path no route claims: a JSON 404 in the contract's error shape, not an HTML page. */
export function unknownEndpoint(): Response {
  return errorResponse(404, "not_found", "No such API endpoint.");
}
