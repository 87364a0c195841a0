import "server-only";
import { AppError, forbidden } from "@/server/errors";
import { env } from "@/server/env";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A cookie rides along with any request the browser makes, including ones another site
 * triggers, so a mutation authenticated by the session cookie must come from our own pages:
 * its Origin must be the app's, and its body JSON or NDJSON (which a cross-site form cannot send
 * without a CORS preflight we never answer). API-key requests are not affected: a key is
 * never sent by the browser on its own.
 */
export function assertSameSiteMutation(method: string, headers: Headers): void {
  if (SAFE_METHODS.has(method.toUpperCase())) return;
  const origin = headers.get("origin");
  if (!origin || !allowedOrigins(headers).has(origin)) throw forbidden("Cross-site request refused.");
  const type = headers.get("content-type") ?? "";
  // NDJSON (a batch upload, CONTRACT §9) is no more a form's than JSON is: it needs a preflight too.
  if (!/^application\/(([a-z0-9.+-]*\+)?json|x-ndjson)\b/i.test(type.trim())) {
    throw new AppError(415, "unsupported_media_type", "Send the body as JSON with Content-Type: application/json.");
  }
}

/**
 * True when the request says it comes from one of our own pages: its Origin is the app's (or
 * the host the browser used), and a browser's `Sec-Fetch-Site`, when sent, says same-origin.
 * For bodies a cross-site page may send without a preflight (a beacon's text/plain), this is
 * the whole check.
 */
export function isSameOrigin(headers: Headers): boolean {
  const origin = headers.get("origin");
  const site = headers.get("sec-fetch-site");
  return Boolean(origin && allowedOrigins(headers).has(origin)) && (site === null || site === "same-origin");
}

function allowedOrigins(headers: Headers): Set<string> {
  const origins = new Set([new URL(env().APP_URL).origin]);
  // The host the browser actually used (a LAN address, a proxy name) is our own origin too.
  const host = headers.get("host");
  if (host) origins.add(`http://${host}`).add(`https://${host}`);
  return origins;
}
