/**
 * A stack started without TEST_CONTROLS_TOKEN, as every real deployment is: the test controls
 * of docs/testing.md do not exist, and their paths answer exactly as any unknown API path —
 * status, headers and body — even to a request carrying a token.
 */
import { expect, test, useSharedStack } from "../support/fixtures";
import { expectErrorBody } from "../support/api";
import { E2E_TEST_CONTROLS_TOKEN, type Stack } from "../support/stack";

useSharedStack("productionDoors");

async function answer(stack: Stack, method: string, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.baseURL}${path}`, { method, headers });
  const kept = [...response.headers].filter(([name]) => !["date", "connection", "keep-alive"].includes(name));
  // Each answer names its own request (decision 034): the id differs by design, its presence is compared.
  const REQUEST_ID = /[0-9a-f]{32}-[0-9a-f]{16}/g;
  const normalised = Object.fromEntries(kept.map(([name, value]) => [name, name === "x-request-id" ? value.replace(REQUEST_ID, "<request id>") : value]));
  return { status: response.status, headers: normalised, body: (await response.text()).replace(REQUEST_ID, "<request id>") };
}

test("every /api/test/* path is a 404, answered exactly as an unknown API path, for every method", async ({ stack }) => {
  for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]) {
    const unknown = await answer(stack, method, "/api/no-such-endpoint");
    for (const path of ["/api/test/reset", "/api/test/shoppers", "/api/test/settle?timeout_s=1", "/api/test/downstream/carrier", "/api/test/emails?to=a@b.test", "/api/test/no/such/control"]) {
      expect(await answer(stack, method, path, { Authorization: `Bearer ${E2E_TEST_CONTROLS_TOKEN}` }), `${method} ${path}`).toEqual(unknown);
    }
  }
  const get = await answer(stack, "GET", "/api/test/reset");
  expect(get.status).toBe(404);
  expectErrorBody(JSON.parse(get.body), "not_found");
});
