"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ShoppingBagIcon, Trash2Icon } from "lucide-react";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { toast } from "@/components/shop/toast";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { MAX_LINE_QUANTITY } from "@/lib/limits";
import { formatMoney } from "@/lib/money";
import { useTRPC } from "@/trpc/client";
import { EmptyState } from "@/components/shop/empty-state";
import { ProductArt } from "@/components/shop/product-art";
import { StockBadge } from "@/components/shop/stock-badge";

type Line = { sku: string; name: string; quantity: number; unit_price_cents: number; line_total_cents: number; in_stock: number };

/** Every change answers the whole cart, priced by the server; it replaces the cached one. */
function useCartMutations() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const write = { onSuccess: (cart: unknown) => queryClient.setQueryData(trpc.cart.get.queryKey(), cart as never) };
  const fail = (what: string) => ({ onError: (error: { message: string }) => toast.error(what, { description: error.message }) });
  return {
    setQuantity: useMutation(trpc.cart.setQuantity.mutationOptions({ ...write, ...fail("Could not change the quantity") })),
    remove: useMutation(trpc.cart.remove.mutationOptions({ ...write, ...fail("Could not remove the item") })),
  };
}

function CartLine({ line, mutations }: { line: Line; mutations: ReturnType<typeof useCartMutations> }) {
  const [value, setValue] = useState(String(line.quantity));
  // The server's answer wins (it may cap the quantity); adjusting state during render keeps focus.
  const [shown, setShown] = useState(line.quantity);
  if (shown !== line.quantity) {
    setShown(line.quantity);
    setValue(String(line.quantity));
  }
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const commit = (text: string) => {
    clearTimeout(timer.current);
    const quantity = Number(text);
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_LINE_QUANTITY || quantity === line.quantity) return;
    mutations.setQuantity.mutate({ sku: line.sku, quantity });
  };
  const id = `quantity-${line.sku}`;
  return (
    <li data-sku={line.sku} className="grid grid-cols-[4.5rem_1fr] gap-4 py-4 sm:grid-cols-[6rem_1fr_auto] sm:items-center">
      <ProductArt sku={line.sku} className="row-span-2 sm:row-span-1" />
      <div className="grid gap-1">
        <h2 className="font-medium">
          <Link href={`/products/${line.sku}`} className="hover:underline underline-offset-4">
            {line.name}
          </Link>
        </h2>
        <p className="tabular text-sm text-muted-foreground">{formatMoney(line.unit_price_cents)} each</p>
        <StockBadge units={line.in_stock} className="w-fit" />
      </div>
      <div className="flex min-w-0 items-center gap-3 sm:justify-end">
        <label htmlFor={id} className="sr-only">
          Quantity
        </label>
        <Input
          id={id}
          type="number"
          inputMode="numeric"
          min={1}
          max={MAX_LINE_QUANTITY}
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            clearTimeout(timer.current);
            const text = e.target.value;
            timer.current = setTimeout(() => commit(text), 400);
          }}
          onBlur={(e) => commit(e.target.value)}
          className="tabular w-16 sm:w-20"
        />
        <p className="tabular text-right font-medium sm:w-24">{formatMoney(line.line_total_cents)}</p>
        <Button variant="ghost" size="sm" onClick={() => mutations.remove.mutate({ sku: line.sku })} disabled={mutations.remove.isPending}>
          <Trash2Icon aria-hidden />
          {/* Icon only on phones, where the row has no room for the word; still its name. */}
          <span className="max-sm:sr-only">Remove</span>
        </Button>
      </div>
    </li>
  );
}

export function CartView() {
  const trpc = useTRPC();
  const { data: cart, isPending } = useQuery(trpc.cart.get.queryOptions());
  const mutations = useCartMutations();
  if (isPending || !cart) return <Skeleton className="h-64 w-full" />;
  if (cart.lines.length === 0) {
    return (
      <EmptyState
        icon={ShoppingBagIcon}
        title="Your cart is empty"
        body="Find something you like — it stays here, even if you close the tab."
        actions={[{ href: "/", label: "Browse the shop" }]}
      />
    );
  }
  const updating = mutations.setQuantity.isPending || mutations.remove.isPending;
  return (
    <div className="grid gap-6 lg:grid-cols-[2fr_1fr] lg:items-start">
      <ul aria-label="Items in your cart" className="divide-y rounded-lg border bg-card px-4">
        {cart.lines.map((line) => (
          <CartLine key={line.sku} line={line} mutations={mutations} />
        ))}
      </ul>
      <Card>
        <CardHeader>
          <CardTitle>
            <h2>Summary</h2>
          </CardTitle>
        </CardHeader>
        <CardContent className="grid gap-2 text-sm">
          <div className="flex justify-between">
            <span>Items</span>
            <span className="tabular">{cart.item_count}</span>
          </div>
          <div className="flex justify-between">
            <span>Shipping</span>
            <span>Free</span>
          </div>
          <div className="flex justify-between border-t pt-2 text-base font-semibold">
            <span>Total</span>
            <span data-total-cents={cart.total_cents} className="tabular" aria-live="polite" aria-busy={updating || undefined}>
              {formatMoney(cart.total_cents, cart.currency)}
            </span>
          </div>
        </CardContent>
        <CardFooter>
          <Button asChild className="w-full" size="lg">
            <Link href="/checkout">Checkout</Link>
          </Button>
        </CardFooter>
      </Card>
    </div>
  );
}
