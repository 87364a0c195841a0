import type { Metadata } from "next";
import { CheckoutView } from "@/components/checkout/checkout-view";
import { getCaller, HydrateClient, prefetch, trpc } from "@/trpc/server";

export const metadata: Metadata = { title: "Checkout" };
export const dynamic = "force-dynamic";

export default async function CheckoutPage() {
  prefetch(trpc.cart.get.queryOptions());
  // "My orders" replaces this page the moment the order is placed; have its list at hand.
  const orders = await (await getCaller()).orders.list();
  return (
    <HydrateClient>
      <CheckoutView initialOrders={orders} />
    </HydrateClient>
  );
}
