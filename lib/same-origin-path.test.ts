import { describe, expect, it } from "vitest";
import { sameOriginPath } from "./same-origin-path";

const ORIGIN = "http://127.0.0.1:3000";

describe("sameOriginPath", () => {
  it("keeps paths on our origin, with their query and fragment", () => {
    expect(sameOriginPath("/admin", ORIGIN)).toBe("/admin");
    expect(sameOriginPath("/orders?page=2#top", ORIGIN)).toBe("/orders?page=2#top");
    expect(sameOriginPath(`${ORIGIN}/cart`, ORIGIN)).toBe("/cart");
    expect(sameOriginPath("orders", ORIGIN)).toBe("/orders");
  });

  it("refuses whatever the browser would resolve to another origin", () => {
    for (const next of ["/\\example.com", "/\t/example.com", "/\n/example.com", "//example.com", "/\\/example.com", "https://example.com/", "javascript:alert(1)", "http://127.0.0.1:3001/"]) {
      expect(sameOriginPath(next, ORIGIN), JSON.stringify(next)).toBe("/");
    }
  });

  it("never answers a path a browser would read as another host", () => {
    for (const next of ["/..//example.com", "/.//example.com", "/a/../..//example.com"]) {
      const path = sameOriginPath(next, ORIGIN);
      expect(path.startsWith("//"), JSON.stringify(next)).toBe(false);
      expect(new URL(path, ORIGIN).origin).toBe(ORIGIN);
    }
  });

  it("falls back to the home page without a usable next", () => {
    expect(sameOriginPath(null, ORIGIN)).toBe("/");
    expect(sameOriginPath("", ORIGIN)).toBe("/");
    expect(sameOriginPath("http://[", ORIGIN)).toBe("/");
  });
});
