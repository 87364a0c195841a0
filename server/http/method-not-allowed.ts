import "server-only";
import { errorResponse } from "./api-response";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type Method = (typeof METHODS)[number];

/**
 * Handlers for the methods a route does not support, so they too answer with the contract's
 * error body (and an Allow header) instead of Next's empty 405.
 */
export function methodsOtherThan(...allowed: Method[]): Record<Method, () => Response> {
  const answer = () => methodNotAllowed(allowed);
  return Object.fromEntries(METHODS.map((m) => [m, answer])) as Record<Method, () => Response>;
}

/** The 405 of a route that accepts `allowed` only (also used by the natively served routes). */
export function methodNotAllowed(allowed: readonly Method[]): Response {
  return errorResponse(405, "method_not_allowed", `This endpoint accepts ${allowed.join(" and ")} only.`, undefined, { Allow: allowed.join(", ") });
}
