import "server-only";
import { env } from "@/server/env";
import { inSpan, SpanKind, traceparentOf } from "@/server/telemetry/spans";
import { keepAliveRequest, type PlainResponse } from "./keep-alive-request";

/** A downstream service answered with an error or not at all; the job retries with backoff. */
export class DownstreamError extends Error {
  constructor(
    readonly service: string,
    message: string,
    readonly status?: number,
  ) {
    super(`${service}: ${message}`);
    this.name = "DownstreamError";
  }
}

/**
 * POSTs JSON to a third party with an Idempotency-Key, so a retried job never does the work
 * twice on their side (or GETs a lookup, which needs none). Times out rather than hanging a
 * worker slot. A CLIENT span in the caller's trace, whose `traceparent` the service receives
 * (the simulated provider sends it back with its webhook, decision 034).
 */
export function callService<T>(
  service: string,
  url: string,
  body: unknown,
  idempotencyKey: string | undefined,
  method: "POST" | "GET" = "POST",
): Promise<T> {
  const attributes = { "http.request.method": method, "url.full": url, "conveyor.downstream": service };
  return inSpan(`${service} ${method}`, { kind: SpanKind.CLIENT, attributes }, () => requestService<T>(service, url, body, idempotencyKey, method));
}

async function requestService<T>(
  service: string,
  url: string,
  body: unknown,
  idempotencyKey: string | undefined,
  method: "POST" | "GET" = "POST",
): Promise<T> {
  const headers: Record<string, string> = method === "POST" ? { "Content-Type": "application/json" } : {};
  if (idempotencyKey !== undefined) headers["Idempotency-Key"] = idempotencyKey;
  const traceparent = traceparentOf();
  if (traceparent) headers.traceparent = traceparent;
  let response: PlainResponse;
  try {
    response = await keepAliveRequest(url, { method, headers, body: method === "POST" ? JSON.stringify(body) : undefined, timeoutMs: env().PROVIDER_TIMEOUT_MS });
  } catch (err) {
    throw new DownstreamError(service, `unreachable (${(err as Error).message})`);
  }
  const { text } = response;
  if (!response.ok) throw new DownstreamError(service, `HTTP ${response.status} ${text.slice(0, 200)}`, response.status);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new DownstreamError(service, "answered with a body that is not JSON", response.status);
  }
}
