import { describe, expect, it } from "vitest";
import { inSpan } from "@/server/telemetry/spans";
import { installTracing } from "@/server/telemetry/tracing";
import { createLogger } from "./logger";

installTracing("conveyor-web", 0, {});

function capture() {
  const lines: Record<string, unknown>[] = [];
  return { lines, logger: createLogger({ write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }) };
}

describe("the logger", () => {
  it("writes JSON lines with level, time and message, and the active span's trace and span ids", async () => {
    const { lines, logger } = capture();
    logger.info("outside any span");
    let ids: { traceparent?: string } = {};
    await inSpan("job", {}, async (span) => {
      ids = { traceparent: `${span.spanContext().traceId}-${span.spanContext().spanId}` };
      logger.child({ component: "worker" }).warn({ order_id: "ord_1" }, "inside");
    });
    expect(lines[0]).toMatchObject({ level: "info", msg: "outside any span", time: expect.any(String) });
    expect(lines[0]).not.toHaveProperty("trace_id");
    expect(lines[1]).toMatchObject({ level: "warn", msg: "inside", component: "worker", order_id: "ord_1" });
    expect(`${String(lines[1]!.trace_id)}-${String(lines[1]!.span_id)}`).toBe(ids.traceparent);
  });

  it("redacts credentials, secrets and card fields at the top level, one level down and in headers", () => {
    const { lines, logger } = capture();
    logger.info(
      { password: "hunter2hunter2", api_key: "ck_live_1", headers: { authorization: "Bearer ck_live_2", cookie: "session=3" }, payment: { card_number: "4242424242424242", cvc: "123" }, webhook: { secret: "whsec_x" } },
      "a request",
    );
    const text = JSON.stringify(lines[0]);
    for (const leaked of ["hunter2hunter2", "ck_live_1", "ck_live_2", "session=3", "4242424242424242", "\"123\"", "whsec_x"]) expect(text).not.toContain(leaked);
    expect(lines[0]).toMatchObject({ password: "[redacted]", headers: { authorization: "[redacted]", cookie: "[redacted]" }, payment: { card_number: "[redacted]" } });
  });

  it("logs an error's message, code and stack, not the database client pg-pool attaches to it", () => {
    const { lines, logger } = capture();
    const err = Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01", client: { connectionParameters: { password: "pw" }, _types: {} } });
    logger.error({ err }, "idle client error");
    expect(lines[0]!.err).toMatchObject({ message: "terminating connection due to administrator command", code: "57P01", stack: expect.any(String) });
    expect(lines[0]!.err).not.toHaveProperty("client");
  });
});
