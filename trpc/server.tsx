import "server-only";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { createTRPCOptionsProxy, type TRPCQueryOptions } from "@trpc/tanstack-react-query";
import { headers } from "next/headers";
import { cache, type ReactNode } from "react";
import { createTRPCContext } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/root";
import { makeQueryClient } from "./query-client";

/** One query client and one context (one session lookup) per server render. */
export const getQueryClient = cache(makeQueryClient);
const createContext = cache(async () => createTRPCContext({ headers: await headers(), serverRender: true }));

/** Server components build query options with this, exactly as client components do with useTRPC(). */
export const trpc = createTRPCOptionsProxy({ ctx: createContext, router: appRouter, queryClient: getQueryClient });

/** Direct calls for server components that render the data themselves. */
export const getCaller = cache(async () => appRouter.createCaller(await createContext()));

/** Starts a query during the server render; its result (or its promise) reaches the browser via HydrateClient. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function prefetch<T extends ReturnType<TRPCQueryOptions<any>>>(queryOptions: T): void {
  void getQueryClient().prefetchQuery(queryOptions);
}

export function HydrateClient({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}

/** The shopper of this request (a guest, an account or an admin), or null without a session. */
export const getCurrentShopper = cache(async () => (await createContext()).shopper);
