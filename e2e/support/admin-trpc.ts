/** Calls tRPC procedures over plain HTTP (no batching), returning the data or the error: the admin specs' helpers. */
import type { Stack } from "./stack";

export type TrpcAnswer<T = any> = { status: number; data: T; error?: { message: string; data?: { code?: string; httpStatus?: number } } };

export async function trpcQuery<T = any>(stack: Stack, path: string, input: unknown, headers: Record<string, string> = {}): Promise<TrpcAnswer<T>> {
  const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const response = await fetch(`${stack.baseURL}/api/trpc/${path}${query}`, { headers });
  return answer<T>(response);
}

export async function trpcMutation<T = any>(stack: Stack, path: string, input: unknown, headers: Record<string, string> = {}): Promise<TrpcAnswer<T>> {
  const response = await fetch(`${stack.baseURL}/api/trpc/${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(input ?? null),
  });
  return answer<T>(response);
}

async function answer<T>(response: Response): Promise<TrpcAnswer<T>> {
  const body = (await response.json()) as { result?: { data: T }; error?: TrpcAnswer["error"] };
  return { status: response.status, data: body.result?.data as T, error: body.error };
}

/** Like trpcQuery/trpcMutation but throws unless the call succeeded. */
export async function adminCall<T = any>(stack: Stack, kind: "query" | "mutation", path: string, input: unknown, headers: Record<string, string>): Promise<T> {
  const result = kind === "query" ? await trpcQuery<T>(stack, path, input, headers) : await trpcMutation<T>(stack, path, input, headers);
  if (result.status !== 200) throw new Error(`${path} answered ${result.status}: ${result.error?.message}`);
  return result.data;
}
