import { describe, expect, it } from "vitest";
import { pageContentSecurityPolicy, responseSecurityHeaders } from "./security-headers";

describe("security headers", () => {
  it("HSTS and upgrade-insecure-requests only when the app is served over https", () => {
    const names = (appUrl: string, path: string) => responseSecurityHeaders(path, appUrl).map(([name]) => name);
    expect(names("https://shop.example", "/")).toContain("Strict-Transport-Security");
    expect(names("http://127.0.0.1:3000", "/")).not.toContain("Strict-Transport-Security");
    expect(pageContentSecurityPolicy("bm9uY2U=", { dev: false, appUrl: "https://shop.example" })).toContain("upgrade-insecure-requests");
    expect(pageContentSecurityPolicy("bm9uY2U=", { dev: false, appUrl: "http://127.0.0.1:3000" })).not.toContain("upgrade-insecure-requests");
  });

  it("a locked-down CSP on API and webhook paths only; pages get theirs from proxy.ts", () => {
    const csp = (path: string) => new Map(responseSecurityHeaders(path, "http://127.0.0.1:3000")).get("Content-Security-Policy");
    for (const path of ["/api/orders", "/api/trpc/catalog.list", "/webhooks/payments", "/api"]) expect(csp(path), path).toBe("default-src 'none'; frame-ancestors 'none'");
    for (const path of ["/", "/admin", "/apiary", "/_next/static/chunk.js"]) expect(csp(path), path).toBeUndefined();
  });

  it("eval only in development, for React's debugging", () => {
    expect(pageContentSecurityPolicy("bm9uY2U=", { dev: true, appUrl: "http://x" })).toContain("'unsafe-eval'");
    expect(pageContentSecurityPolicy("bm9uY2U=", { dev: false, appUrl: "http://x" })).not.toContain("'unsafe-eval'");
  });
});
