import type { Metadata } from "next";
import { CheckoutView } from "@/components/checkout/checkout-view";
import { getCaller } from "@/trpc/server";

export const metadata: Metadata = { title: "Checkout" };
export const dynamic = "force-dynamic";

/** The cart comes with the segment's QueryProvider (layout.tsx), which starts the cart query. */
export default async function CheckoutPage() {
  // "My orders" replaces this page the moment the order is placed; have its list at hand.
  const orders = await (await getCaller()).orders.list();
  return <CheckoutView initialOrders={orders} />;
}
