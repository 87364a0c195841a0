"use client";

import { useQuery } from "@tanstack/react-query";
import { ShoppingCartIcon } from "lucide-react";
import Link from "next/link";
import { useTRPC } from "@/trpc/client";

/** "Cart (n)" in the header; every cart mutation writes the same query, so the count follows. */
export function CartLink() {
  const trpc = useTRPC();
  const { data } = useQuery(trpc.cart.get.queryOptions());
  const count = data?.item_count ?? 0;
  return (
    <Link href="/cart" className="inline-flex items-center gap-1.5 whitespace-nowrap rounded-md px-2 py-1.5 text-sm font-medium hover:bg-accent focus-visible:ring-[3px] focus-visible:ring-ring/50 outline-none">
      <ShoppingCartIcon aria-hidden className="size-4" />
      <span>
        Cart{count > 0 ? ` (${count})` : ""}
        {count > 0 && <span className="sr-only"> items</span>}
      </span>
    </Link>
  );
}
