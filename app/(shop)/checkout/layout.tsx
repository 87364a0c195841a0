import type { ReactNode } from "react";
import { TRPCReactProvider } from "@/trpc/client";

/** Checkout's pages read and write through the tRPC and TanStack Query clients (decision 016). */
export default function CheckoutLayout({ children }: { children: ReactNode }) {
  return <TRPCReactProvider>{children}</TRPCReactProvider>;
}
