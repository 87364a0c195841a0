import { describe, expect, it } from "vitest";
import { RefusedWebhooks } from "./refused-webhooks";

describe("RefusedWebhooks", () => {
  it("counts every refusal and logs at most one line a minute, carrying the count since the last line", () => {
    const lines: string[] = [];
    const refused = new RefusedWebhooks((line) => lines.push(line));
    const start = 1_000_000;
    refused.record("missing signature headers", "203.0.113.9", start);
    for (let i = 1; i <= 19; i++) refused.record("no valid signature", "203.0.113.9", start + i * 1000);
    expect(refused.count).toBe(20);
    expect(lines).toEqual(["refused 1 unsigned or badly signed delivery (1 since start); latest from 203.0.113.9: missing signature headers"]);

    refused.record("timestamp too old", "198.51.100.7", start + 60_000);
    expect(refused.count).toBe(21);
    expect(lines[1]).toBe("refused 20 unsigned or badly signed deliveries (21 since start); latest from 198.51.100.7: timestamp too old");
  });
});
