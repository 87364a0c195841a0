"use client";

import { QueryClientProvider, useQuery, type QueryClient } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useEffect, useState, type ReactNode } from "react";
import { publishCartCount } from "@/components/shop/cart-count";
import { TRPC_CLIENT_BATCH_SIZE } from "@/lib/limits";
import type { AppRouter } from "@/server/trpc/root";
import { makeQueryClient } from "./query-client";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

let browserQueryClient: QueryClient | undefined;

/** A new client per server render (no sharing between shoppers), one for the browser's lifetime. */
export function getQueryClient(): QueryClient {
  if (typeof window === "undefined") return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}

/** Same-origin requests carry the session cookie; JSON bodies satisfy the cross-site check. Batches are split to stay within the server's cap (TRPC_MAX_BATCH_SIZE). */
export function makeTRPCClient() {
  return createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: "/api/trpc", maxItems: TRPC_CLIENT_BATCH_SIZE })] });
}

/**
 * The query and tRPC clients, for the segments whose pages use them (trpc/query-provider.tsx);
 * the catalog and product pages have neither (decision 016). The browser's query client is
 * one for the tab, so what a segment cached is there when the next one mounts its provider.
 */
export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(makeTRPCClient);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}

/** The header's count follows the cart query (every cart write and refetch; checkout invalidates it). */
export function FollowCartCount() {
  const trpc = useTRPC();
  const count = useQuery(trpc.cart.get.queryOptions()).data?.item_count;
  useEffect(() => {
    if (count !== undefined) publishCartCount(count);
  }, [count]);
  return null;
}
