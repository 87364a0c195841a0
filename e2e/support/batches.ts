/** Helpers for the batch API (CONTRACT §9) over real HTTP. */
import { expect } from "@playwright/test";
import type { Shopper, Stack } from "./stack";

export const WIDGET = { items: [{ sku: "WIDGET-42", quantity: 1 }], payment_method: "pm_visa_4242" };

export function ndjson(lines: unknown[]): string {
  return lines.map((line) => (typeof line === "string" ? line : JSON.stringify(line))).join("\n") + "\n";
}

export async function postBatch(
  stack: Stack,
  headers: Record<string, string>,
  body: string,
  extra: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${stack.baseURL}/api/batches`, {
    method: "POST",
    headers: { "Content-Type": "application/x-ndjson", ...headers, ...extra },
    body,
  });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

export async function getBatch(stack: Stack, shopper: Shopper, batchId: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${stack.baseURL}/api/batches/${batchId}`, { headers: shopper.headers });
  return { status: response.status, body: await response.json() };
}

/** The results file, parsed line by line. */
export async function getResults(stack: Stack, shopper: Shopper, batchId: string): Promise<any[]> {
  const response = await fetch(`${stack.baseURL}/api/batches/${batchId}/results`, { headers: shopper.headers });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
  const text = await response.text();
  expect(text.endsWith("\n")).toBe(true);
  return text
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line));
}

/** Polls GET /api/batches/{id} until the batch leaves `in_progress` (the contract's way without SSE). */
export async function waitForBatchEnd(stack: Stack, shopper: Shopper, batchId: string, timeoutMs: number): Promise<any> {
  let last: any;
  await expect
    .poll(
      async () => {
        last = (await getBatch(stack, shopper, batchId)).body;
        return last.status;
      },
      { timeout: timeoutMs, intervals: [100, 250, 500] },
    )
    .not.toBe("in_progress");
  return last;
}
