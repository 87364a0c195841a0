import type { ReactNode } from "react";
import { FollowCartCount, TRPCReactProvider } from "./client";
import { HydrateClient, prefetch, trpc } from "./server";

/**
 * The tRPC and TanStack Query clients for a segment's pages (cart, checkout, orders, account,
 * admin), put in by the segment's layout: the catalog and product pages ship neither
 * (decision 016). The cart query starts with the render (the header reads the same one), so
 * the header's count can follow it in the browser without fetching it again.
 */
export function QueryProvider({ children }: { children: ReactNode }) {
  prefetch(trpc.cart.get.queryOptions());
  return (
    <TRPCReactProvider>
      {/* Inside the boundary, so the cart query starts from the render's answer instead of fetching. */}
      <HydrateClient>
        <FollowCartCount />
        {children}
      </HydrateClient>
    </TRPCReactProvider>
  );
}
