import type { ReactNode } from "react";
import { QueryProvider } from "@/trpc/query-provider";

/** The cart's pages read and write through the tRPC and TanStack Query clients. */
export default function CartLayout({ children }: { children: ReactNode }) {
  return <QueryProvider>{children}</QueryProvider>;
}
