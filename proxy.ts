import { NextResponse, type NextRequest } from "next/server";
import { rejectMalformedPath } from "@/server/http/reject-malformed-path";

/**
 * Runs before Next routes a request: refuses malformed paths (see
 * server/http/reject-malformed-path.ts). It creates no shoppers: a visitor becomes a guest
 * on their first cart line or order, in the tRPC call that needs one
 * (docs/decisions/026-lazy-guests-and-sign-in-limits.md).
 */
export function proxy(request: NextRequest): Response {
  const rejected = rejectMalformedPath(rawPathname(request.url));
  return rejected ?? NextResponse.next();
}

/** The path as the client sent it (NextRequest.nextUrl may already be normalised). */
function rawPathname(url: string): string {
  return new URL(url).pathname;
}

export const config = {
  // Only paths with a percent sign: a malformed escape is possible there and nowhere else.
  matcher: ["/(.*%.*)"],
};
