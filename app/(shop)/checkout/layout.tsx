import type { ReactNode } from "react";
import { QueryProvider } from "@/trpc/query-provider";

/** Checkout's pages read and write through the tRPC and TanStack Query clients. */
export default function CheckoutLayout({ children }: { children: ReactNode }) {
  return <QueryProvider>{children}</QueryProvider>;
}
