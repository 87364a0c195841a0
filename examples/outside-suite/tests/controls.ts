/**
 * Conveyor's test controls (docs/testing.md, "Test controls"), as small functions over a
 * Playwright API request context that carries the bearer token.
 */
import { expect, type APIRequestContext } from "@playwright/test";

/** The token Conveyor was started with: `npm run start:test` prints it. */
export function controlsHeaders(): Record<string, string> {
  const token = process.env.TEST_CONTROLS_TOKEN;
  if (!token) throw new Error("Set TEST_CONTROLS_TOKEN to the token Conveyor was started with (npm run start:test prints it).");
  return { Authorization: `Bearer ${token}` };
}

export type Cookie = { name: string; value: string; domain: string; path: string; httpOnly: boolean; secure: boolean; sameSite: "Strict" | "Lax" | "None"; expires: number };
export type TestShopper = { user_id: string; api_key: string; email: string; cookies: Cookie[] };
export type Email = { to: string; subject: string; text: string; sent_at: string; order_id?: string };
export type Service = "payment" | "fraud" | "risk" | "invoicing" | "email" | "carrier";

export function testControls(api: APIRequestContext) {
  return {
    /** A signed-in shopper of its own (its cookies go into a browser context with addCookies). */
    async newShopper(email = `shopper-${crypto.randomUUID()}@example.test`): Promise<TestShopper> {
      const response = await api.post("/api/test/shoppers", { data: { email } });
      expect(response.status(), await response.text()).toBe(201);
      return { ...(await response.json()), email };
    },

    async setDownstream(service: Service, settings: { latency_ms?: number; failure_rate?: number; outage?: boolean }): Promise<void> {
      const response = await api.put(`/api/test/downstream/${service}`, { data: settings });
      expect(response.status(), await response.text()).toBe(200);
    },

    async setStock(sku: string, stock: number): Promise<void> {
      const response = await api.put(`/api/test/stock/${encodeURIComponent(sku)}`, { data: { stock } });
      expect(response.status(), await response.text()).toBe(200);
    },

    /** The emails sent to `to`, newest first. */
    async emails(to: string): Promise<Email[]> {
      const response = await api.get("/api/test/emails", { params: { to } });
      expect(response.status()).toBe(200);
      return (await response.json()).data;
    },

    /** Returns once no pipeline step is running or due (fails, naming what still runs, after `timeoutSeconds`). */
    async settle(timeoutSeconds = 30): Promise<void> {
      const response = await api.post(`/api/test/settle?timeout_s=${timeoutSeconds}`, { timeout: (timeoutSeconds + 10) * 1000 });
      expect(response.status()).toBe(200);
      expect(await response.json()).toEqual({ idle: true });
    },

    async reset(): Promise<void> {
      expect((await api.post("/api/test/reset")).status()).toBe(204);
    },
  };
}

export type TestControls = ReturnType<typeof testControls>;
