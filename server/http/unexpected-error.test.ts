import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterEach, describe, expect, it, vi } from "vitest";
import { capturedLogs } from "@/tests/support/captured-logs";
import { z } from "zod";
import { badRequest } from "@/server/errors";
import { createTRPCRouter, publicProcedure } from "@/server/trpc/init";
import { toErrorResponse } from "./api-response";
import { RateLimits } from "@/server/http/rate-limit";
import type { ProcessServices } from "@/server/process-services";

/** What node-postgres throws for a failed statement: the message and the fields carry SQL and values. */
function databaseError(): Error {
  return Object.assign(new Error('insert or update on table "orders" violates foreign key constraint "orders_shopper_id_fk"'), {
    code: "23503",
    detail: "Key (shopper_id)=(usr_secret123) is not present in table \"shoppers\".",
    query: "insert into orders (id, shopper_id) values ($1, $2)",
  });
}

const router = createTRPCRouter({
  boom: publicProcedure.query(() => {
    throw databaseError();
  }),
  refused: publicProcedure.query(() => {
    throw new TRPCError({ code: "FORBIDDEN", message: "Admins only." });
  }),
  service: publicProcedure.query(() => {
    throw badRequest("That SKU does not exist.");
  }),
  typed: publicProcedure.input(z.object({ n: z.number() })).query(({ input }) => input.n),
});

// Only the request budget is reached before these procedures run.
const services = { limits: new RateLimits({ RATE_LIMIT_PER_MINUTE: 1000, WEBHOOK_RATE_LIMIT_PER_MINUTE: 1, WEBHOOK_FAILED_SIGNATURES_PER_MINUTE: 1, GUEST_SESSIONS_PER_ADDRESS: 1, BEACON_RATE_LIMIT_PER_MINUTE: 1 }) } as unknown as ProcessServices;

async function call(path: string, input?: unknown) {
  const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const req = new Request(`http://conveyor.test/api/trpc/${path}${query}`, { headers: { "x-forwarded-for": "198.51.100.23" } });
  const response = await fetchRequestHandler({ endpoint: "/api/trpc", req, router, createContext: () => ({ services, db: undefined as never, shopper: null, viaCookie: false, headers: req.headers }) });
  return { status: response.status, body: (await response.json()) as { error: { message: string; data: Record<string, unknown> } } };
}

vi.mock("@/server/logging/logger", async () => (await import("@/tests/support/captured-logs")).capturingLoggerModule);

afterEach(() => {
  vi.restoreAllMocks();
  capturedLogs.length = 0;
});

describe("unexpected errors never reach the client", () => {
  it("tRPC: an INTERNAL_SERVER_ERROR carries a generic message and a request id; the log has the detail under that id", async () => {
    const { status, body } = await call("boom");
    expect(status).toBe(500);
    const requestId = body.error.data.requestId as string;
    expect(requestId).toMatch(/^req_[a-z0-9]{20}$/);
    expect(body.error.message).toContain(requestId);
    expect(JSON.stringify(body)).not.toMatch(/orders|usr_secret123|insert|foreign key/);
    expect(body.error.data).toMatchObject({ code: "INTERNAL_SERVER_ERROR", httpStatus: 500, appCode: "internal_error" });
    expect(body.error.data.stack).toBeUndefined();
    const line = capturedLogs.find((l) => l.level === "error" && l.fields.request_id === requestId);
    expect(line?.fields.err).toBeInstanceOf(Error);
    expect((line!.fields.err as Error).message).toContain("foreign key");
  });

  it("tRPC: deliberate errors and input errors keep their message", async () => {
    expect((await call("refused")).body.error).toMatchObject({ message: "Admins only.", data: { code: "FORBIDDEN" } });
    expect((await call("service")).body.error).toMatchObject({ message: "That SKU does not exist.", data: { code: "BAD_REQUEST", appCode: "invalid_request" } });
    const typed = await call("typed", { n: "one" });
    expect(typed.status).toBe(400);
    expect(typed.body.error.message).toContain("expected number");
  });

  it("REST: a 500 carries the contract's body with a request id, in the body and X-Request-Id; the log has the detail", async () => {
    const response = toErrorResponse(databaseError());
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { code: string; message: string; details: { request_id: string } } };
    expect(body.error.code).toBe("internal_error");
    const requestId = body.error.details.request_id;
    expect(requestId).toMatch(/^req_/);
    expect(response.headers.get("x-request-id")).toBe(requestId);
    expect(JSON.stringify(body)).not.toMatch(/orders|usr_secret123|insert|foreign key/);
    expect(capturedLogs.some((l) => l.fields.request_id === requestId && (l.fields.err as Error).message.includes("foreign key"))).toBe(true);
  });
});
