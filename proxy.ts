import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/server/env";
import { rejectMalformedPath } from "@/server/http/reject-malformed-path";
import { LOCKED_DOWN_POLICY, newNonce, PAGE_PATH, pageContentSecurityPolicy } from "@/server/http/security-headers";

/**
 * Runs before Next routes a request: refuses malformed paths (see
 * server/http/reject-malformed-path.ts), and gives every page view its Content-Security-Policy
 * with a fresh nonce (Next reads it from the request's header and puts it on its scripts;
 * server/http/security-headers.ts). It creates no shoppers: a visitor becomes a guest on their
 * first cart line or order, in the tRPC call that needs one
 * (docs/decisions/026-lazy-guests-and-sign-in-limits.md).
 */
export function proxy(request: NextRequest): Response {
  const pathname = rawPathname(request.url);
  const rejected = rejectMalformedPath(pathname);
  if (rejected) {
    rejected.headers.set("Content-Security-Policy", LOCKED_DOWN_POLICY);
    return rejected;
  }
  if (!PAGE_PATH.test(pathname)) return NextResponse.next();
  const policy = pageContentSecurityPolicy(newNonce(), { dev: process.env.NODE_ENV === "development", appUrl: env().APP_URL });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

/** The path as the client sent it (NextRequest.nextUrl may already be normalised). */
function rawPathname(url: string): string {
  return new URL(url).pathname;
}

export const config = {
  // Paths with a percent sign (a malformed escape is possible), and pages (their CSP).
  matcher: ["/(.*%.*)", "/((?!api/|webhooks/|_next/|.*\\.[a-z0-9]+$).*)"],
};
