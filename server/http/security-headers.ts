import "server-only";
/**
 * The security headers of every answer (docs/security.md, "Headers"), shared by proxy.ts
 * (pages) and the web server (everything, web/web-server.ts).
 */

/** Pages, not the APIs (API clients use keys), webhooks, Next's assets or files with an extension. */
export const PAGE_PATH = /^\/(?!api\/|webhooks\/|_next\/|.*\.[a-z0-9]+$)/;

/** For answers that are not application pages (JSON, event streams, error pages): nothing may run in them or frame them. */
export const LOCKED_DOWN_POLICY = "default-src 'none'; frame-ancestors 'none'";

/** Paths whose answers are never pages: /api/… and /webhooks/… (native routes included). */
const API_PATH = /^\/(api|webhooks)(\/|$)/;

/**
 * Headers for every answer the web server gives, whoever produces it (native route or Next):
 * no MIME sniffing, no framing, only the origin as referrer to other sites, HSTS when the app
 * is served over https. The APIs also get a Content-Security-Policy that allows nothing;
 * pages get theirs, with a nonce, from proxy.ts (`pageContentSecurityPolicy`).
 */
export function responseSecurityHeaders(pathname: string, appUrl: string): [string, string][] {
  const headers: [string, string][] = [
    ["X-Content-Type-Options", "nosniff"],
    ["X-Frame-Options", "DENY"],
    ["Referrer-Policy", "strict-origin-when-cross-origin"],
  ];
  if (isHttps(appUrl)) headers.push(["Strict-Transport-Security", "max-age=63072000; includeSubDomains"]);
  if (API_PATH.test(pathname)) headers.push(["Content-Security-Policy", LOCKED_DOWN_POLICY]);
  return headers;
}

/**
 * A page's policy: scripts only from this origin and only those carrying the request's nonce
 * (Next.js puts it on its own scripts when it finds it in the request's CSP header), and what
 * they load ('strict-dynamic'). Styles allow inline: the toaster inserts a <style> element and
 * rendered elements carry style attributes, neither of which can bear a nonce; a style cannot
 * run code. In development React needs eval for its debugging stacks, and the dev server's
 * hot reload a WebSocket to this origin ('self').
 */
export function pageContentSecurityPolicy(nonce: string, options: { dev: boolean; appUrl: string }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(isHttps(options.appUrl) ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** A fresh, unguessable nonce for one page view. */
export function newNonce(): string {
  return btoa(crypto.randomUUID());
}

function isHttps(appUrl: string): boolean {
  return appUrl.startsWith("https:");
}
