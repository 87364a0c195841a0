import { NextResponse, type NextRequest } from "next/server";
import { ensureGuestSession } from "@/server/auth/ensure-guest-session";
import { rejectMalformedPath } from "@/server/http/reject-malformed-path";

/** Pages, not the APIs (API clients use keys), webhooks, Next's assets or files with an extension. */
const PAGE_PATH = /^\/(?!api\/|webhooks\/|_next\/|.*\.[a-z0-9]+$)/;

/**
 * Runs before Next routes a request: refuses malformed paths (see
 * server/http/reject-malformed-path.ts), and makes every visitor of a page a shopper (a guest
 * until they sign up; decision 014).
 */
export async function proxy(request: NextRequest): Promise<Response> {
  const pathname = rawPathname(request.url);
  const rejected = rejectMalformedPath(pathname);
  if (rejected) return rejected;
  if (!PAGE_PATH.test(pathname)) return NextResponse.next();
  const guest = await ensureGuestSession(request.headers).catch((err: unknown) => {
    // The page still renders (it shows the catalog); actions will ask to retry.
    console.error("[auth] could not start a guest session:", err instanceof Error ? err.message : err);
    return undefined;
  });
  if (!guest) return NextResponse.next();
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("cookie", guest.cookie);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const cookie of guest.setCookies) response.headers.append("set-cookie", cookie);
  return response;
}

/** The path as the client sent it (NextRequest.nextUrl may already be normalised). */
function rawPathname(url: string): string {
  return new URL(url).pathname;
}

export const config = {
  // Paths with a percent sign (a malformed escape is possible), and pages (guest sessions).
  matcher: ["/(.*%.*)", "/((?!api/|webhooks/|_next/|.*\\.[a-z0-9]+$).*)"],
};
