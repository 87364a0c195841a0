import "server-only";
import { initTRPC, TRPCError } from "@trpc/server";
import { authenticateApiKey } from "@/server/auth/api-keys";
import { shopperFromSession } from "@/server/auth/session-shopper";
import { getDb } from "@/server/db/client";
import type { Shopper } from "@/server/db/schema";
import { AppError, databaseUnavailable, isDatabaseUnavailable } from "@/server/errors";
import { assertSameSiteMutation } from "@/server/http/cross-site";
import { clientAddress } from "@/server/http/client-address";
import { addressSubject, enforceRateLimit } from "@/server/http/rate-limit";
import { internalErrorMessage, logUnexpectedError } from "@/server/http/unexpected-error";

/*
 * 1. CONTEXT — who is calling. The browser UI and API clients share the same services;
 * tRPC identifies the caller by the same credentials as REST: an API key, else the
 * session cookie (`viaCookie`, whose mutations must come from our own pages).
 */
export async function createTRPCContext(opts: {
  headers: Headers;
}): Promise<{ db: ReturnType<typeof getDb>; shopper: Shopper | null; viaCookie: boolean; headers: Headers }> {
  const db = getDb();
  const bearer = /^Bearer\s+(\S+)$/i.exec(opts.headers.get("authorization") ?? "")?.[1];
  try {
    if (bearer) return { db, shopper: (await authenticateApiKey(db, bearer)) ?? null, viaCookie: false, headers: opts.headers };
    const shopper = await shopperFromSession(opts.headers);
    return { db, shopper, viaCookie: shopper !== null, headers: opts.headers };
  } catch (err) {
    // Procedure middleware never sees a failing context: map it here (a database outage is a 503).
    throw toTRPCError(err);
  }
}

type Context = Awaited<ReturnType<typeof createTRPCContext>>;

/* 2. INITIALISATION — service errors keep their meaning over tRPC. */
const STATUS_TO_TRPC: Record<number, TRPCError["code"]> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  422: "UNPROCESSABLE_CONTENT",
  429: "TOO_MANY_REQUESTS",
  503: "SERVICE_UNAVAILABLE",
};

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error, path }) {
    const cause = error.cause;
    const data = { ...shape.data, stack: undefined, appCode: cause instanceof AppError ? cause.code : undefined };
    if (error.code !== "INTERNAL_SERVER_ERROR") return { ...shape, data };
    // An unexpected error's message can carry SQL and its parameters: the client gets an id
    // to quote, the log gets the detail under that id (as REST's 500s, docs/api.md).
    const requestId = logUnexpectedError(`trpc ${path ?? "(no procedure)"}`, cause ?? error);
    return { ...shape, message: internalErrorMessage(requestId), data: { ...data, appCode: "internal_error", requestId } };
  },
});

/** A service error (or a database outage) as the tRPC error of the same HTTP status; anything else unchanged. */
function toTRPCError(err: unknown): unknown {
  const cause = isDatabaseUnavailable(err) ? databaseUnavailable() : err;
  if (!(cause instanceof AppError)) return err;
  return new TRPCError({ code: STATUS_TO_TRPC[cause.status] ?? "INTERNAL_SERVER_ERROR", message: cause.message, cause });
}

const mapServiceErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = toTRPCError(result.error.cause);
    if (mapped instanceof TRPCError) throw mapped;
  }
  return result;
});

/**
 * The same per-shopper budget as REST, from the same limiter: one call (batched or not)
 * spends one request. A caller without credentials spends from its address's budget.
 */
const spendRequestBudget = t.middleware(async ({ ctx, next }) => {
  await enforceRateLimit(ctx.shopper ? ctx.shopper.id : addressSubject(clientAddress(ctx.headers)));
  return next();
});

/* 3. PROCEDURES */
export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(mapServiceErrors).use(spendRequestBudget);

/** Narrows `ctx.shopper` to non-null; a cookie-authenticated mutation must be same-site. */
export const protectedProcedure = publicProcedure.use(({ ctx, type, next }) => {
  if (!ctx.shopper) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  if (ctx.viaCookie && type === "mutation") assertSameSiteMutation("POST", ctx.headers);
  return next({ ctx: { ...ctx, shopper: ctx.shopper } });
});

export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.shopper.role !== "admin") throw new TRPCError({ code: "FORBIDDEN", message: "Admins only." });
  return next();
});
