import type { Metadata } from "next";
import { CartView } from "@/components/cart/cart-view";
import { HydrateClient, prefetch, trpc } from "@/trpc/server";

export const metadata: Metadata = { title: "Cart" };
export const dynamic = "force-dynamic";

export default function CartPage() {
  prefetch(trpc.cart.get.queryOptions());
  return (
    <div className="grid gap-6">
      <h1 className="text-3xl font-semibold tracking-tight">Your cart</h1>
      <HydrateClient>
        <CartView />
      </HydrateClient>
    </div>
  );
}
