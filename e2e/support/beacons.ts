import type { Stack } from "./stack";

/**
 * POSTs a beacon as `navigator.sendBeacon` sends a string from one of the shop's own pages
 * (lib/shopper-beacons.ts): same-origin, text/plain. `headers` add to or override those.
 */
export function postBeacon(stack: Stack, body: BodyInit, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${stack.baseURL}/api/beacons`, {
    method: "POST",
    headers: { Origin: stack.baseURL, "Sec-Fetch-Site": "same-origin", "Content-Type": "text/plain;charset=UTF-8", ...headers },
    body,
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
}
