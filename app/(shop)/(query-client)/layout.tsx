import type { ReactNode } from "react";
import { TRPCReactProvider } from "@/trpc/client";

/**
 * The pages that read and write through the tRPC and TanStack Query clients: cart, checkout,
 * orders and account (a route group: it changes no URL). The catalog and product pages stay
 * outside it and ship neither client (decision 016); admin has its own provider.
 */
export default function QueryClientLayout({ children }: { children: ReactNode }) {
  return <TRPCReactProvider>{children}</TRPCReactProvider>;
}
