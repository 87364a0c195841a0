import "server-only";
/**
 * Next's router decodes every path segment with decodeURIComponent before it picks a
 * route, and a malformed escape (`%ZZ`, the overlong `%C0%AF`) makes it throw; the error
 * page it then tries to render does not exist in an App Router app, so the client got a
 * bare `500 Internal Server Error` in text/plain. proxy.ts runs before that routing and
 * answers here instead: the contract's JSON 400 on API and webhook paths, a plain 400 page
 * elsewhere.
 */
const API_PREFIXES = ["/api/", "/webhooks/"];

export function hasMalformedEscape(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return false;
  } catch {
    return true;
  }
}

export function rejectMalformedPath(pathname: string): Response | undefined {
  if (!hasMalformedEscape(pathname)) return undefined;
  const headers = { "Cache-Control": "no-store" };
  if (API_PREFIXES.some((prefix) => `${pathname}/`.startsWith(prefix))) {
    const body = { error: { code: "invalid_request", message: "The URL path contains a malformed percent-escape." } };
    return new Response(JSON.stringify(body), { status: 400, headers: { ...headers, "Content-Type": "application/json; charset=utf-8" } });
  }
  return new Response("<!DOCTYPE html><title>Bad request</title><h1>Bad request</h1><p>The address contains a malformed percent-escape.</p>", {
    status: 400,
    headers: { ...headers, "Content-Type": "text/html; charset=utf-8" },
  });
}
