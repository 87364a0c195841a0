import "server-only";
import type { z } from "zod";
import { badRequest } from "@/server/errors";
import { readJsonBody, readRawBody } from "@/server/http/read-json-body";
import type { ProcessServices } from "@/server/process-services";

/**
 * One control under /api/test/ (docs/testing.md): its method, its path after /api/test/
 * (a ":name" segment matches any one segment and is passed as `params.name`), and what it
 * answers. serve-test-control.ts checks the token and routes; each control parses its own input.
 */
export type TestControl = {
  method: "GET" | "POST" | "PUT";
  path: readonly string[];
  serve(request: Request, params: Record<string, string>, services: ProcessServices): Promise<Response>;
};

/** `value` as `schema` says, else a 400 listing each problem, as the REST API answers. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest(`${what} is not valid.`, parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  return parsed.data;
}

/** A JSON body, or `{}` when none is sent at all (no Content-Type, no bytes). */
export async function readOptionalJsonBody(request: Request): Promise<unknown> {
  if (!request.headers.get("content-type") && (await readRawBody(request)).length === 0) return {};
  return readJsonBody(request);
}
