import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { TRPCError } from "@trpc/server";
import type { Shopper } from "@/server/db/schema";
import type { ProcessServices } from "@/server/process-services";
import { createTRPCContext } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/root";

/**
 * What Next's pages may ask of the web process (decisions 030 and 044). Next bundles the
 * pages; this module is not in Next's bundle: the web server loads it, and it hands its two
 * doors to trpc/server.tsx under a registered symbol (PAGE_SERVER_KEY), so pages call the
 * one instance the web server runs, whether that runs from source (dev) or from its own
 * bundle (start) — one set of services, one module graph for everything server-side. The web
 * server runs each page request inside `withPageServices`, so a page reaches exactly the
 * services of the server that received it.
 */
const servicesOfRequest = new AsyncLocalStorage<ProcessServices>();

export function withPageServices<T>(services: ProcessServices, render: () => T): T {
  return servicesOfRequest.run(services, render);
}

function services(): ProcessServices {
  const found = servicesOfRequest.getStore();
  if (!found) throw new Error("A page asked for data outside a request of the web server (web/web-server.ts).");
  return found;
}

/**
 * Calls the tRPC procedure at `path` ("admin.overview") as the caller of `headers`, for a
 * page's own server render: the procedures' checks apply, and a visitor's address budget is
 * not spent on a page view. Errors are tRPC's (their `code` tells a page what happened).
 */
export async function callProcedure(headers: Headers, path: string, input: unknown): Promise<unknown> {
  const ctx = await contextOf(headers);
  let target: unknown = appRouter.createCaller(ctx);
  for (const key of path.split(".")) target = (target as Record<string, unknown>)[key];
  if (typeof target !== "function") throw new TRPCError({ code: "NOT_FOUND", message: `No procedure ${path}.` });
  return (target as (input: unknown) => Promise<unknown>)(input);
}

/** The shopper of a page request (a guest, an account or an admin), or null without a session. */
export async function currentShopper(headers: Headers): Promise<Shopper | null> {
  return (await contextOf(headers)).shopper;
}

type Context = Awaited<ReturnType<typeof createTRPCContext>>;

/** One context (one session lookup) per page request: Next hands every part of a render the same `headers()`. */
const contexts = new WeakMap<Headers, Promise<Context>>();

function contextOf(headers: Headers): Promise<Context> {
  let context = contexts.get(headers);
  if (!context) contexts.set(headers, (context = createTRPCContext({ services: services(), headers, serverRender: true })));
  return context;
}

/** The shape trpc/server.tsx finds under PAGE_SERVER_KEY. */
export type PageServerDoors = { callProcedure: typeof callProcedure; currentShopper: typeof currentShopper };

/** Symbol.for, so Next's bundle and the web server's graph name the same key without sharing a module. */
export const PAGE_SERVER_KEY = Symbol.for("conveyor.page-server");
(globalThis as Record<symbol, PageServerDoors>)[PAGE_SERVER_KEY] = { callProcedure, currentShopper };
