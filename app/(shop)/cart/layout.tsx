import type { ReactNode } from "react";
import { TRPCReactProvider } from "@/trpc/client";

/** The cart's pages read and write through the tRPC and TanStack Query clients (decision 016). */
export default function CartLayout({ children }: { children: ReactNode }) {
  return <TRPCReactProvider>{children}</TRPCReactProvider>;
}
