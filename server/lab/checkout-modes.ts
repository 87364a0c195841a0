import "server-only";
import { isConfirmed, type OrderStatus } from "@/lib/order-state";
import type { LabMode } from "@/server/db/schema";

/** What one lab checkout measured, in ms from the moment its request was sent. */
export type CheckoutSample = { ok: boolean; ackMs: number; confirmedMs: number | null; orderId: string | null };

type Client = { appUrl: string; apiKey: string; confirmTimeoutMs: number };

const ORDER = { items: [{ sku: "WIDGET-42", quantity: 1 }], payment_method: "pm_visa_4242" };
/** Reaching confirmed (or past it) means the shopper has their answer; the body's status is plain JSON here. */
function reachedConfirmed(status: string | undefined): boolean {
  return status !== undefined && isConfirmed(status as OrderStatus);
}

/** One checkout in the given mode, as a shopper's client would do it. */
export async function checkout(client: Client, mode: LabMode): Promise<CheckoutSample> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const headers = { Authorization: `Bearer ${client.apiKey}`, "Content-Type": "application/json" };
  try {
    if (mode === "direct") {
      // The coupled design: the request itself waits on payment → fraud → risk.
      const response = await fetch(`${client.appUrl}/api/lab/direct-checkout`, { method: "POST", headers, body: JSON.stringify(ORDER) });
      await response.arrayBuffer();
      const ackMs = elapsed();
      return { ok: response.ok, ackMs, confirmedMs: response.ok ? ackMs : null, orderId: null };
    }
    const response = await fetch(`${client.appUrl}/api/orders`, {
      method: "POST",
      headers: mode === "wait" ? { ...headers, Prefer: "wait=30" } : headers,
      body: JSON.stringify(ORDER),
    });
    const body = (await response.json()) as { order_id?: string; status?: string };
    const ackMs = elapsed();
    if (!response.ok || !body.order_id) return { ok: false, ackMs, confirmedMs: null, orderId: null };
    if (response.status === 201 && reachedConfirmed(body.status)) return { ok: true, ackMs, confirmedMs: ackMs, orderId: body.order_id };
    const confirmed = await followUntilConfirmed(client, body.order_id, headers.Authorization);
    return { ok: true, ackMs, confirmedMs: confirmed ? elapsed() : null, orderId: body.order_id };
  } catch {
    return { ok: false, ackMs: elapsed(), confirmedMs: null, orderId: null };
  }
}

/** Follows the order's SSE stream (docs/api.md, "GET /api/orders/{id}/events") until it is confirmed, fails, or time runs out. */
async function followUntilConfirmed(client: Client, orderId: string, authorization: string): Promise<boolean> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), client.confirmTimeoutMs);
  try {
    const response = await fetch(`${client.appUrl}/api/orders/${orderId}/events`, {
      headers: { Authorization: authorization, Accept: "text/event-stream" },
      signal: abort.signal,
    });
    if (!response.ok || !response.body) return false;
    const decoder = new TextDecoder();
    let buffered = "";
    for await (const chunk of response.body) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffered.indexOf("\n\n")) >= 0) {
        const frame = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const data = frame.split("\n").find((line) => line.startsWith("data:"));
        if (!data) continue;
        const status = (JSON.parse(data.slice(5)) as { status?: string }).status;
        if (reachedConfirmed(status)) return true;
      }
    }
    return false;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}
