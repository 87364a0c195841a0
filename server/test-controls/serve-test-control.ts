import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { notFound, unauthorized } from "@/server/errors";
import { apiRoute } from "@/server/http/api-response";
import { methodNotAllowed } from "@/server/http/method-not-allowed";
import { createShopperControl } from "./create-test-shopper";
import { listEmailsControl } from "./list-emails";
import { resetShopControl } from "./reset-shop";
import { setDownstreamControl } from "./set-downstream";
import { setStockControl } from "./set-stock";
import { settleControl } from "./settle-pipeline";
import type { ProcessServices } from "@/server/process-services";
import type { TestControl } from "./test-control";

const CONTROLS: TestControl[] = [resetShopControl, createShopperControl, setDownstreamControl, setStockControl, listEmailsControl, settleControl];

/**
 * The door of the test controls (docs/testing.md), reached only while TEST_CONTROLS_TOKEN is
 * set: the bearer token first (401 for anyone without it, whatever the path), then the control
 * the path and method name (404 / 405 otherwise). Errors have the API's error body.
 */
export const serveTestControl = apiRoute(async (request: Request, { segments, token, services }: { segments: string[]; token: string; services: ProcessServices }): Promise<Response> => {
  if (!bearerMatches(request.headers.get("authorization"), token)) throw unauthorized("Send Authorization: Bearer <TEST_CONTROLS_TOKEN>.");
  const found = CONTROLS.map((control) => ({ control, params: match(control.path, segments) })).filter((m) => m.params !== undefined);
  if (found.length === 0) throw notFound("No such test control.");
  // HEAD asks what GET would answer (Next hands it to the GET export).
  const method = request.method === "HEAD" ? "GET" : request.method;
  const chosen = found.find((m) => m.control.method === method);
  if (!chosen) return methodNotAllowed(found.map((m) => m.control.method));
  return chosen.control.serve(request, chosen.params!, services);
});

/** Constant time whatever the guess: both sides are hashed to the same length first. */
function bearerMatches(header: string | null, token: string): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1];
  if (!presented) return false;
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(presented), digest(token));
}

function match(pattern: readonly string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of pattern.entries()) {
    const segment = segments[i]!;
    if (part.startsWith(":")) params[part.slice(1)] = segment;
    else if (part !== segment) return undefined;
  }
  return params;
}
