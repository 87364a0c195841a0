import "server-only";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { createTRPCClient, TRPCClientError, type TRPCLink } from "@trpc/client";
import { createTRPCOptionsProxy, type TRPCQueryOptions } from "@trpc/tanstack-react-query";
import { observable } from "@trpc/server/observable";
import { headers } from "next/headers";
import { cache, type ReactNode } from "react";
import type { AppRouter } from "@/server/trpc/root";
import type { PageServerDoors } from "@/web/page-server";
import { makeQueryClient } from "./query-client";

/*
 * Server components read through the tRPC procedures of the web process (decisions 030 and
 * 044). The procedures and the services they use are not part of Next's bundle: the web
 * server's web/page-server.ts leaves its doors under this registered symbol (the same key as
 * its PAGE_SERVER_KEY, which is not imported so that Next does not bundle that module), and
 * the web server gives them the services of the request being rendered.
 */
const PAGE_SERVER_KEY = Symbol.for("conveyor.page-server");

function pageServer(): PageServerDoors {
  const doors = (globalThis as Record<symbol, PageServerDoors | undefined>)[PAGE_SERVER_KEY];
  if (!doors) throw new Error("Pages render inside Conveyor's web server (web/web-server.ts), which provides their data; none is running in this process.");
  return doors;
}

/** One query client per server render. */
export const getQueryClient = cache(makeQueryClient);

// `headers()` first: it is what marks the page as rendered per request (never at build time).
async function call(path: string, input: unknown): Promise<unknown> {
  const requestHeaders = await headers();
  return pageServer().callProcedure(requestHeaders, path, input);
}

/** Every call of the page's query options goes to the procedures of this request's web server. */
const pageLink: TRPCLink<AppRouter> = () => ({ op }) =>
  observable((observer) => {
    call(op.path, op.input).then(
      (data) => {
        observer.next({ result: { type: "data", data } });
        observer.complete();
      },
      (err: unknown) => observer.error(TRPCClientError.from(err instanceof Error ? err : new Error(String(err)))),
    );
  });

/** Server components build query options with this, exactly as client components do with useTRPC(). */
export const trpc = createTRPCOptionsProxy<AppRouter>({ client: createTRPCClient<AppRouter>({ links: [pageLink] }), queryClient: getQueryClient });

type Caller = ReturnType<AppRouter["createCaller"]>;

/** Direct calls for server components that render the data themselves: `(await getCaller()).admin.overview(…)`. */
export const getCaller = cache(async (): Promise<Caller> => procedurePath([]) as Caller);

function procedurePath(segments: string[]): unknown {
  return new Proxy(() => {}, {
    // No `then`: the caller is returned from an async function, and a thenable would be awaited.
    get: (_target, key) => (typeof key === "string" && key !== "then" ? procedurePath([...segments, key]) : undefined),
    apply: (_target, _this, args: unknown[]) => call(segments.join("."), args[0]),
  });
}

/** Starts a query during the server render; its result (or its promise) reaches the browser via HydrateClient. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function prefetch<T extends ReturnType<TRPCQueryOptions<any>>>(queryOptions: T): void {
  void getQueryClient().prefetchQuery(queryOptions);
}

export function HydrateClient({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}

/** The shopper of this request (a guest, an account or an admin), or null without a session. */
export const getCurrentShopper = cache(async () => {
  const requestHeaders = await headers();
  return pageServer().currentShopper(requestHeaders);
});

/**
 * A procedure's 404 (someone else's order, an unknown SKU): pages answer with the 404 page.
 * By its code, not its class: the error comes from the web server's module instance of tRPC.
 */
export function isNotFound(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "NOT_FOUND";
}
