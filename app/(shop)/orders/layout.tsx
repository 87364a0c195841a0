import type { ReactNode } from "react";
import { QueryProvider } from "@/trpc/query-provider";

/** My orders's pages read and write through the tRPC and TanStack Query clients. */
export default function OrdersLayout({ children }: { children: ReactNode }) {
  return <QueryProvider>{children}</QueryProvider>;
}
