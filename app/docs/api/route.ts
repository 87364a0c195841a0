/**
 * /docs/api — the API reference for people: Swagger UI (swagger-ui-dist, served from our own
 * origin by ./[asset]/route.ts, no CDN) rendering GET /api/openapi.json. No inline script: its
 * two scripts are files of this origin, carrying the page's CSP nonce (proxy.ts puts the
 * policy on the request) as the policy's 'strict-dynamic' requires.
 */
const page = (nonce: string) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Conveyor API reference</title>
  <link rel="icon" href="/icon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/docs/api/swagger-ui.css">
  <link rel="stylesheet" href="/docs/api/reference.css">
</head>
<body>
  <main id="swagger-ui" aria-label="Conveyor API reference"></main>
  <script src="/docs/api/swagger-ui-bundle.js"${nonce}></script>
  <script src="/docs/api/reference.js"${nonce}></script>
</body>
</html>
`;

export function GET(request: Request): Response {
  const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(request.headers.get("content-security-policy") ?? "")?.[1];
  return new Response(page(nonce ? ` nonce="${nonce}"` : ""), { headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
}
