"use client";

import { ShoppingCartIcon } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "@/components/shop/toast";
import { Button } from "@/components/ui/button";

/**
 * "Add {name} to cart": the server answers the new cart, which the header's count and the
 * cart query follow. The tRPC client comes with the first click (./add-to-cart), not with the page.
 */
export function AddToCartButton({ sku, name, size = "default" }: { sku: string; name: string; size?: "default" | "lg" }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  async function add() {
    setPending(true);
    try {
      const { addToCart } = await import("./add-to-cart");
      await addToCart(sku);
      toast.success(`${name} is in your cart`, { action: { label: "View cart", onClick: () => router.push("/cart") } });
    } catch (error) {
      toast.error(`Could not add ${name} to your cart`, { description: error instanceof Error ? error.message : String(error) });
    } finally {
      setPending(false);
    }
  }
  return (
    <Button size={size} disabled={pending} onClick={add}>
      <ShoppingCartIcon aria-hidden />
      {/* The accessible name says which product: "Add Widget to cart". */}
      <span>
        Add <span className="sr-only">{name} </span>to cart
      </span>
    </Button>
  );
}
