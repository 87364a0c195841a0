"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ShoppingCartIcon } from "lucide-react";
import { useRouter } from "next/navigation";
import { toast } from "@/components/shop/toast";
import { Button } from "@/components/ui/button";
import { useTRPC } from "@/trpc/client";

/** "Add {name} to cart": the server answers the new cart, which replaces the cached one. */
export function AddToCartButton({ sku, name, size = "default" }: { sku: string; name: string; size?: "default" | "lg" }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const add = useMutation({
    // One at a time, page-wide: a visitor's first add makes them a guest (its answer sets the
    // session cookie), and a second add sent before that answer would make another guest.
    scope: { id: "cart.add" },
    ...trpc.cart.add.mutationOptions({
      onSuccess(cart) {
        queryClient.setQueryData(trpc.cart.get.queryKey(), cart);
        toast.success(`${name} is in your cart`, { action: { label: "View cart", onClick: () => router.push("/cart") } });
      },
      onError(error) {
        toast.error(`Could not add ${name} to your cart`, { description: error.message });
      },
    }),
  });
  return (
    <Button size={size} disabled={add.isPending} onClick={() => add.mutate({ sku, quantity: 1 })}>
      <ShoppingCartIcon aria-hidden />
      {/* The accessible name says which product: "Add Widget to cart". */}
      <span>
        Add <span className="sr-only">{name} </span>to cart
      </span>
    </Button>
  );
}
