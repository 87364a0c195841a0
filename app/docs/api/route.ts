/**
 * /docs/api — the API reference for people: Swagger UI (swagger-ui-dist, served from our own
 * origin by ./[asset]/route.ts, no CDN) rendering GET /api/openapi.json. No inline script, so
 * the page needs nothing beyond the site's content security policy for scripts.
 */
const PAGE = `<!doctype html>
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
  <script src="/docs/api/swagger-ui-bundle.js"></script>
  <script src="/docs/api/reference.js"></script>
</body>
</html>
`;

export function GET(): Response {
  return new Response(PAGE, { headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "public, max-age=300" } });
}
