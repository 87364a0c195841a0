/**
 * tRPC v11 over plain fetch, as the browser's client sends it (no transformer): a query is a
 * GET with `?input=<json>`, a mutation a POST whose body is the raw input.
 */
import type { Shopper, Stack } from "./stack";

export type TrpcAnswer = { status: number; headers: Headers; body: any };

export async function trpcQuery(stack: Stack, shopper: Shopper | null, path: string, input?: unknown): Promise<TrpcAnswer> {
  const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const response = await fetch(`${stack.baseURL}/api/trpc/${path}${query}`, { headers: shopper?.headers ?? {} });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

export async function trpcMutation(stack: Stack, shopper: Shopper | null, path: string, input: unknown): Promise<TrpcAnswer> {
  const response = await fetch(`${stack.baseURL}/api/trpc/${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(shopper?.headers ?? {}) },
    body: JSON.stringify(input),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** The tRPC error of a failed call, checked for the HTTP status and the contract's error code it carries. */
export function trpcError(answer: TrpcAnswer): { code: string; httpStatus: number; appCode?: string; message: string } {
  const error = answer.body?.error;
  if (!error?.data) throw new Error(`not a tRPC error: ${JSON.stringify(answer.body).slice(0, 300)}`);
  return { code: error.data.code, httpStatus: error.data.httpStatus, appCode: error.data.appCode, message: error.message };
}
