import "server-only";
import { getAuth } from "./auth";

/**
 * A first visit becomes a guest shopper at once: when the request carries no valid session,
 * this creates an anonymous one and returns its Set-Cookie headers (and the Cookie value the
 * same request should be rendered with). Undefined when the visitor already has a session.
 */
export async function ensureGuestSession(headers: Headers): Promise<{ setCookies: string[]; cookie: string } | undefined> {
  const auth = getAuth();
  if (headers.get("cookie") && (await auth.api.getSession({ headers }))) return undefined;
  const { headers: responseHeaders } = await auth.api.signInAnonymous({ headers, returnHeaders: true });
  const setCookies = responseHeaders.getSetCookie();
  const fresh = setCookies.map((c) => c.split(";", 1)[0]!);
  const names = new Set(fresh.map((c) => c.slice(0, c.indexOf("="))));
  const kept = (headers.get("cookie") ?? "")
    .split(";")
    .map((c) => c.trim())
    .filter((c) => c && !names.has(c.slice(0, c.indexOf("="))));
  return { setCookies, cookie: [...kept, ...fresh].join("; ") };
}
