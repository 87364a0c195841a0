import type { ReactNode } from "react";
import { TRPCReactProvider } from "@/trpc/client";

/** My orders's pages read and write through the tRPC and TanStack Query clients (decision 016). */
export default function OrdersLayout({ children }: { children: ReactNode }) {
  return <TRPCReactProvider>{children}</TRPCReactProvider>;
}
