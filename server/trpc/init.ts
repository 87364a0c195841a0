import "server-only";
import { initTRPC, TRPCError } from "@trpc/server";
import { authenticateApiKey } from "@/server/auth/api-keys";
import { shopperFromSession } from "@/server/auth/session-shopper";
import { startGuestSession } from "@/server/auth/start-guest-session";
import type { Shopper } from "@/server/db/schema";
import { AppError, databaseUnavailable, isDatabaseUnavailable } from "@/server/errors";
import { assertSameSiteMutation } from "@/server/http/cross-site";
import { clientAddress } from "@/server/http/client-address";
import { addressSubject } from "@/server/http/rate-limit";
import { internalErrorMessage, logUnexpectedError } from "@/server/http/unexpected-error";
import type { ProcessServices } from "@/server/process-services";

/*
 * 1. CONTEXT — who is calling. The browser UI and API clients share the same services;
 * tRPC identifies the caller by the same credentials as REST: an API key, else the
 * session cookie (`viaCookie`, whose mutations must come from our own pages). A visitor
 * with neither is no shopper yet: `startGuest` (HTTP requests without an Authorization
 * header only) makes them a guest when a procedure needs one, and puts the session cookie
 * on this response (`resHeaders`).
 */
export async function createTRPCContext(opts: { services: ProcessServices; headers: Headers; resHeaders?: Headers; serverRender?: boolean }): Promise<{
  services: ProcessServices;
  db: ProcessServices["db"];
  shopper: Shopper | null;
  viaCookie: boolean;
  headers: Headers;
  startGuest?: () => Promise<Shopper>;
  serverRender?: boolean;
}> {
  const { services } = opts;
  const db = services.db;
  const authorization = opts.headers.get("authorization");
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
  try {
    if (bearer) return { services, db, shopper: (await authenticateApiKey(db, bearer)) ?? null, viaCookie: false, headers: opts.headers, serverRender: opts.serverRender };
    const shopper = await shopperFromSession(services.auth, opts.headers);
    const resHeaders = opts.resHeaders;
    const startGuest =
      shopper || authorization || !resHeaders
        ? undefined
        : once(async () => {
            const guest = await startGuestSession(db, services.auth, services.limits.guests, opts.headers);
            for (const cookie of guest.setCookies) resHeaders.append("set-cookie", cookie);
            return guest.shopper;
          });
    return { services, db, shopper, viaCookie: shopper !== null, headers: opts.headers, startGuest, serverRender: opts.serverRender };
  } catch (err) {
    // Procedure middleware never sees a failing context: map it here (a database outage is a 503).
    throw toTRPCError(err);
  }
}

/** A batch may hold several calls that each need the guest: they get the same one. */
function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= fn());
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
  if (ctx.shopper) await ctx.services.limits.spendRequest(ctx.shopper.id);
  // A page's own server render reads through the same procedures (trpc/server.tsx); it is a
  // page view, not an API call, so a visitor without credentials is not charged for it.
  else if (!ctx.serverRender) await ctx.services.limits.spendRequest(addressSubject(clientAddress(ctx.headers)));
  return next();
});

/**
 * A mutation that creates something for the caller (a cart line, an order) from a visitor
 * without a session makes them a guest first — after the same-site check a cookie mutation
 * gets, so another site cannot mint guests through a visitor's browser.
 */
const becomeGuestIfNone = t.middleware(async ({ ctx, type, next }) => {
  if (ctx.shopper || !ctx.startGuest || type !== "mutation") return next();
  assertSameSiteMutation("POST", ctx.headers);
  const shopper = await ctx.startGuest();
  return next({ ctx: { ...ctx, shopper, viaCookie: true } });
});

/* 3. PROCEDURES */
export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
const withServiceErrors = t.procedure.use(mapServiceErrors);
export const publicProcedure = withServiceErrors.use(spendRequestBudget);

/** Narrows `ctx.shopper` to non-null; a cookie-authenticated mutation must be same-site. */
const requireShopper = t.middleware(({ ctx, type, next }) => {
  if (!ctx.shopper) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  if (ctx.viaCookie && type === "mutation") assertSameSiteMutation("POST", ctx.headers);
  return next({ ctx: { ...ctx, shopper: ctx.shopper } });
});

export const protectedProcedure = publicProcedure.use(requireShopper);

/** Like protectedProcedure, but a visitor without a session becomes a guest (the first cart line or order). */
export const shopperProcedure = withServiceErrors.use(becomeGuestIfNone).use(spendRequestBudget).use(requireShopper);

/**
 * Reads of the caller's own things (cart, orders). A visitor without a session owns nothing
 * yet: `ctx.shopper` is null and the procedure answers "nothing" instead of 401, so pages
 * render for them without making them a guest. A bad API key is still a 401.
 */
export const ownReadProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.shopper && ctx.headers.get("authorization")) throw new TRPCError({ code: "UNAUTHORIZED", message: "The API key is not valid." });
  return next();
});

/**
 * Admins only: every other caller gets 403, a visitor who is not a guest yet included (to the
 * admin API they are what a guest is, docs/api.md). Only a bad API key is a 401.
 */
const requireAdmin = t.middleware(({ ctx, next }) => {
  if (!ctx.shopper && ctx.headers.get("authorization")) throw new TRPCError({ code: "UNAUTHORIZED", message: "The API key is not valid." });
  if (ctx.shopper?.role !== "admin") throw new TRPCError({ code: "FORBIDDEN", message: "Admins only." });
  return next();
});

export const adminProcedure = publicProcedure.use(requireAdmin).use(requireShopper);
