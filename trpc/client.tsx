"use client";

import { hashKey, QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { createTRPCContext, createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { useState, type ReactNode } from "react";
import { publishCartCount } from "@/components/shop/cart-count";
import { TRPC_CLIENT_BATCH_SIZE } from "@/lib/limits";
import type { AppRouter } from "@/server/trpc/root";
import { makeQueryClient } from "./query-client";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

let browserQueryClient: QueryClient | undefined;

/** A new client per server render (no sharing between shoppers), one for the browser's lifetime. */
export function getQueryClient(): QueryClient {
  if (typeof window === "undefined") return makeQueryClient();
  if (!browserQueryClient) {
    browserQueryClient = makeQueryClient();
    followCartCount(browserQueryClient);
  }
  return browserQueryClient;
}

/** The cart query's key, as `useTRPC().cart.get.queryKey()` gives it, for code outside the provider. */
export const cartQueryKey = createTRPCOptionsProxy<AppRouter>({ client: makeTRPCClient(), queryClient: getQueryClient }).cart.get.queryKey();

/**
 * The header's count (components/shop/cart-count.ts) follows the cart query of the tab's
 * query client: every write (the add button, the cart page's changes) and every refetch
 * (checkout's, once the order is placed), also when the page that started it is no longer on screen.
 */
function followCartCount(queryClient: QueryClient): void {
  const cartQueryHash = hashKey(cartQueryKey);
  queryClient.getQueryCache().subscribe(({ query }) => {
    const cart = query.queryHash === cartQueryHash ? (query.state.data as { item_count: number } | undefined) : undefined;
    if (cart) publishCartCount(cart.item_count);
  });
}

/** Same-origin requests carry the session cookie; JSON bodies satisfy the cross-site check. Batches are split to stay within the server's cap (TRPC_MAX_BATCH_SIZE). */
export function makeTRPCClient() {
  return createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: "/api/trpc", maxItems: TRPC_CLIENT_BATCH_SIZE })] });
}

/**
 * The query and tRPC clients, put in by the layouts of the pages that use them
 * (app/(shop)/(query-client) and app/admin); the catalog and product pages have neither
 * (decision 016). The browser's query client is one for the tab, so what one page cached is
 * there when the next mounts its provider.
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
