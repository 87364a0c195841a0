/** Small helpers for talking to the API over real HTTP, as any client would. */
import { expect } from "@playwright/test";
import type { OrderView } from "@/server/orders/order-view";
import type { Shopper, Stack } from "./stack";

/** The statuses a paid, stocked order passes through, in order, to `shipped`. */
export const PAID_PATH = ["pending", "payment_processing", "payment_confirmed", "confirmed", "shipped"];

export const TWO_WIDGETS = { items: [{ sku: "WIDGET-42", quantity: 2 }], payment_method: "pm_visa_4242" };

export async function postOrder(
  stack: Stack,
  shopper: Shopper,
  body: unknown = TWO_WIDGETS,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, any>; headers: Headers }> {
  const response = await fetch(`${stack.baseURL}/api/orders`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...shopper.headers, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

export async function getOrder(stack: Stack, shopper: Shopper, orderId: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${stack.baseURL}/api/orders/${orderId}`, { headers: shopper.headers });
  return { status: response.status, body: await response.json() };
}

export async function placeOrder(stack: Stack, shopper: Shopper, body: unknown = TWO_WIDGETS): Promise<string> {
  const { status, body: accepted } = await postOrder(stack, shopper, body);
  expect(status, JSON.stringify(accepted)).toBe(202);
  return accepted.order_id as string;
}

/** POST /api/orders/{id}/cancel as `shopper`. */
export async function cancelOrder(stack: Stack, shopper: Shopper, orderId: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${stack.baseURL}/api/orders/${orderId}/cancel`, { method: "POST", headers: shopper.headers });
  return { status: response.status, body: await response.json() };
}

/** Polls the public API until the order reaches one of `statuses` (the contract's way of following an order without SSE). */
export async function waitForStatus(stack: Stack, shopper: Shopper, orderId: string, statuses: string[], timeoutMs = 30_000): Promise<OrderView> {
  let last: OrderView | undefined;
  await expect
    .poll(
      async () => {
        last = (await getOrder(stack, shopper, orderId)).body as OrderView;
        return statuses.includes(last.status);
      },
      { timeout: timeoutMs, intervals: [50, 100, 200] },
    )
    .toBe(true);
  return last!;
}

export function expectErrorBody(body: any, code?: string): void {
  expect(body).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) });
  if (code) expect(body.error.code).toBe(code);
}
