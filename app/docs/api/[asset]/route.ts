import { readFile } from "node:fs/promises";
import path from "node:path";

/**
 * The reference page's assets: Swagger UI's prebuilt bundle and stylesheet, read from the
 * installed swagger-ui-dist package (a fixed allow-list, never a path from the request), and
 * our own few lines that start it on /api/openapi.json.
 */
const FROM_PACKAGE: Record<string, string> = {
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui.css": "text/css; charset=utf-8",
};

const OWN: Record<string, { type: string; body: string }> = {
  "reference.js": {
    type: "text/javascript; charset=utf-8",
    body: `window.ui = SwaggerUIBundle({
  url: "/api/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  defaultModelsExpandDepth: 0,
  docExpansion: "list",
  tryItOutEnabled: false,
  validatorUrl: null,
});
`,
  },
  "reference.css": {
    type: "text/css; charset=utf-8",
    body: `body { margin: 0; } .swagger-ui .information-container .info { margin: 24px 0; } .swagger-ui .wrapper { padding: 0 16px; }\n`,
  },
};

export async function GET(_request: Request, { params }: { params: Promise<{ asset: string }> }): Promise<Response> {
  const { asset } = await params;
  const own = OWN[asset];
  if (own) return new Response(own.body, { headers: { "Content-Type": own.type, "Cache-Control": "public, max-age=300" } });
  const type = FROM_PACKAGE[asset];
  if (!type) return new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  const body = await readFile(path.join(process.cwd(), "node_modules", "swagger-ui-dist", asset));
  return new Response(body, { headers: { "Content-Type": type, "Cache-Control": "public, max-age=86400" } });
}
