import { NextResponse, type NextRequest } from "next/server";
import { rejectMalformedPath } from "@/server/http/reject-malformed-path";

/** Runs before Next routes a request; see server/http/reject-malformed-path.ts for why. */
export function proxy(request: NextRequest): Response {
  return rejectMalformedPath(rawPathname(request.url)) ?? NextResponse.next();
}

/** The path as the client sent it (NextRequest.nextUrl may already be normalised). */
function rawPathname(url: string): string {
  return new URL(url).pathname;
}

export const config = {
  // Only paths with a percent sign can hold a malformed escape: every other request skips the proxy.
  matcher: ["/(.*%.*)"],
};
