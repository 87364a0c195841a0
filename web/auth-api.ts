import "server-only";
import { describeWait } from "@/lib/describe-wait";
import { readRawBody } from "@/server/http/read-json-body";
import type { ProcessServices } from "@/server/process-services";

/**
 * /api/auth/* — better-auth's endpoints: sign-up/in/out (email + password), sessions, admin.
 * Their bodies get the API's 64 KiB cap (413 with the API's error body), counted while
 * reading so a chunked body or a lying Content-Length gets no further; better-auth itself
 * would read any size.
 */
export async function serveAuth(services: ProcessServices, request: Request): Promise<Response> {
  if (!request.body) return withRetryAfter(await services.auth.handler(request));
  const body = await readRawBody(request);
  return withRetryAfter(await services.auth.handler(new Request(request, { body, duplex: "half" } as RequestInit)));
}

/**
 * better-auth's per-address limiter answers 429 with `X-Retry-After` and a generic message;
 * clients (and the sign-in page) read the standard `Retry-After`, as on every other 429 of
 * the app (docs/api.md). The per-account limit sets it already.
 */
async function withRetryAfter(response: Response): Promise<Response> {
  if (response.status !== 429 || response.headers.has("retry-after")) return response;
  const seconds = Math.max(1, Number(response.headers.get("x-retry-after")) || 1);
  const headers = new Headers(response.headers);
  headers.set("Retry-After", String(seconds));
  headers.set("Content-Type", "application/json");
  headers.delete("content-length");
  const body = { code: "TOO_MANY_REQUESTS", message: `Too many attempts from your network. Try again in ${describeWait(seconds)}.` };
  return new Response(JSON.stringify(body), { status: 429, headers });
}
