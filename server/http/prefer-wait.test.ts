import { describe, expect, it } from "vitest";
import { parsePreferWait } from "./prefer-wait";

describe("parsePreferWait (RFC 7240)", () => {
  it.each([
    [null, undefined],
    ["", undefined],
    ["wait=5", 5],
    ["respond-async, wait=10", 10],
    ["wait=0", 0],
    ["wait=120", 30],
    ["WAIT = 3", 3],
    ["return=minimal", undefined],
    ["wait=soon", undefined],
  ])("%j → %j", (header, expected) => expect(parsePreferWait(header)).toBe(expected));
});
