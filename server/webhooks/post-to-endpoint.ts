import "server-only";
import http from "node:http";
import https from "node:https";
import { checkTargetUrl, guardedLookup, type TargetPolicy } from "./webhook-targets";

/** A delivery waits this long for the answer's status line and headers (CONTRACT §8). */
export const DELIVERY_TIMEOUT_MS = 15_000;
/** What is read of an answer's body before hanging up: receivers have nothing to tell us in it. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export type DeliveryOutcome = {
  statusCode?: number;
  /** Retry-After in seconds, when the answer carried one (either form of RFC 9110). */
  retryAfterSeconds?: number;
  /** Why no answer came (refused target, DNS, connection, timeout). */
  error?: string;
  durationMs: number;
};

/** How deliveries leave the process: tests replace it to observe or fail them. */
export type EndpointPoster = (url: string, headers: Record<string, string>, body: string) => Promise<DeliveryOutcome>;

/**
 * POSTs over node:http(s) with the SSRF guard on the connection itself (a custom `lookup`),
 * no redirects followed (a 3xx is a failed attempt: a redirect could lead anywhere), and a
 * 15 s timeout for the whole exchange. Never throws: every failure is an outcome to record.
 */
export function endpointPoster(policy: TargetPolicy, timeoutMs = DELIVERY_TIMEOUT_MS): EndpointPoster {
  const lookup = guardedLookup(policy);
  return (target, headers, body) =>
    new Promise<DeliveryOutcome>((resolve) => {
      const started = performance.now();
      const done = (outcome: Omit<DeliveryOutcome, "durationMs">) => resolve({ ...outcome, durationMs: Math.round(performance.now() - started) });
      let url: URL;
      try {
        url = checkTargetUrl(target, policy);
      } catch (err) {
        return done({ error: (err as Error).message });
      }
      const client = url.protocol === "https:" ? https : http;
      const request = client.request(url, {
        method: "POST",
        headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)), "User-Agent": "Conveyor-Webhooks/1.0" },
        lookup,
        // A fresh connection each time: a pooled one would skip the lookup, and with it the guard.
        agent: false,
      });
      const timer = setTimeout(() => request.destroy(new Error(`No answer within ${timeoutMs / 1000} s.`)), timeoutMs);
      request.on("response", (response) => {
        const statusCode = response.statusCode ?? 0;
        const retryAfterSeconds = parseRetryAfter(response.headers["retry-after"]);
        let read = 0;
        response.on("data", (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) response.destroy();
        });
        const finish = () => {
          clearTimeout(timer);
          done({ statusCode, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) });
        };
        response.on("end", finish);
        response.on("close", finish);
        response.on("error", finish);
      });
      request.on("error", (err) => {
        clearTimeout(timer);
        done({ error: err.message || String(err) });
      });
      request.end(body);
    });
}

/** `Retry-After: 120` or an HTTP date → seconds from now (never negative); anything else → undefined. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim());
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
