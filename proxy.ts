import { NextResponse, type NextRequest } from "next/server";
import { ensureGuestSession } from "@/server/auth/ensure-guest-session";

/** Pages only: every visitor of the shop is a shopper (a guest until they sign up). */
export async function proxy(request: NextRequest) {
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

export const config = {
  // Not the APIs (API clients use keys), webhooks, Next's assets or files with an extension.
  matcher: ["/((?!api/|webhooks/|_next/|.*\\.[a-z0-9]+$).*)"],
};
