"use client";

import { ShoppingCartIcon } from "lucide-react";
import Link from "next/link";
import { useEffect } from "react";
import { publishCartCount, useCartCount } from "./cart-count";

/** "Cart (n)" in the header: the count the server rendered, then whatever the cart's writers publish (cart-count.ts). */
export function CartLink({ renderedCount }: { renderedCount: number }) {
  const count = useCartCount(renderedCount);
  // A new server render (a refresh) is the freshest count there is.
  useEffect(() => publishCartCount(renderedCount), [renderedCount]);
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
