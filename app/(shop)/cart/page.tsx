import type { Metadata } from "next";
import { CartView } from "@/components/cart/cart-view";

export const metadata: Metadata = { title: "Cart" };
export const dynamic = "force-dynamic";

/** The cart itself comes with the segment's QueryProvider (layout.tsx), which starts the cart query. */
export default function CartPage() {
  return (
    <div className="grid gap-6">
      <h1 className="text-3xl font-semibold tracking-tight">Your cart</h1>
      <CartView />
    </div>
  );
}
