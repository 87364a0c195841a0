import "server-only";

/**
 * The client's address as the web server pinned it (web/client-address.ts rewrites
 * X-Forwarded-For to exactly one trusted value before any route sees the request). Used to
 * key per-address limits; "unknown" only for requests that did not come through that server
 * (in-process callers).
 */
export function clientAddress(headers: Headers): string {
  return headers.get("x-forwarded-for")?.trim() || "unknown";
}
