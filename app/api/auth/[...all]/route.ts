import { toNextJsHandler } from "better-auth/next-js";
import { getAuth } from "@/server/auth/auth";
import { apiRoute } from "@/server/http/api-response";
import { readRawBody } from "@/server/http/read-json-body";

export const dynamic = "force-dynamic";

/**
 * better-auth's endpoints: sign-up/in/out (email + password), guest sessions, admin. Their
 * bodies get the API's 64 KiB cap (413 with the contract's error body), counted while
 * reading so a chunked body or a lying Content-Length gets no further; better-auth itself
 * would read any size.
 */
const handler = apiRoute(async (request: Request) => {
  if (!request.body) return getAuth().handler(request);
  const body = await readRawBody(request);
  return getAuth().handler(new Request(request, { body, duplex: "half" } as RequestInit));
});

export const { GET, POST, PATCH, PUT, DELETE } = toNextJsHandler((request: Request) => handler(request, undefined));
