import { describe, expect, it } from "vitest";
import { hasMalformedEscape, rejectMalformedPath } from "./reject-malformed-path";

describe("hasMalformedEscape", () => {
  it.each(["/api/orders/%ZZ", "/api/orders/%C0%AF", "/%", "/%E0%A4%A", "/%FF", "/x%2"])("%s is malformed", (path) => expect(hasMalformedEscape(path)).toBe(true));
  it.each(["/", "/api/orders/ord_abc", "/api/orders/ord_%61", "/%E2%9C%93", "/a%2Fb"])("%s is well-formed", (path) => expect(hasMalformedEscape(path)).toBe(false));
});

describe("rejectMalformedPath", () => {
  it("answers API and webhook paths with the contract's JSON 400", async () => {
    for (const path of ["/api/%ZZ", "/api/orders/%ZZ", "/webhooks/payments/%ZZ"]) {
      const response = rejectMalformedPath(path);
      expect(response?.status).toBe(400);
      expect(response?.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await response?.json()).toEqual({ error: { code: "invalid_request", message: expect.any(String) } });
    }
  });

  it("answers pages with a 400 page and leaves well-formed paths alone", () => {
    expect(rejectMalformedPath("/products/%ZZ")?.status).toBe(400);
    expect(rejectMalformedPath("/products/%ZZ")?.headers.get("content-type")).toMatch(/^text\/html/);
    expect(rejectMalformedPath("/products/WIDGET-42")).toBeUndefined();
  });
});
